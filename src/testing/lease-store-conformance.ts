import assert from 'node:assert/strict'
import type { LeaseStore } from '../core/ports/lease-store.ts'
import { defineStoreSuite, type StoreFixture, type StoreSuiteOptions } from './store-suite.ts'
import type { TestFunctions } from './test-functions.ts'
import { uniqueId } from './unique-id.ts'

/**
 * Registers the `LeaseStore` conformance tests: every lease store — shipped or your own — must
 * pass them. Give `connectAnother` when the store is shared between processes, so the race runs
 * across two independent handles.
 *
 * Covered: a free name is taken, a held one is refused to others and renewed for its holder; a
 * released or expired lease can be taken by another holder; releasing someone else's lease
 * changes nothing; of concurrent acquires on one free name, across two handles, exactly one wins.
 *
 * @example
 * ```ts
 * import { afterAll, beforeAll, describe, it } from 'vitest'
 * defineLeaseStoreConformance({ describe, it, beforeAll, afterAll }, 'my leases', async () => {
 *   const store = await openMyLeases()
 *   return { store, connectAnother: () => openMyLeases(), cleanup: () => store.close() }
 * })
 * ```
 */
export function defineLeaseStoreConformance(
  test: TestFunctions,
  name: string,
  factory: () => Promise<StoreFixture<LeaseStore>>,
  options?: StoreSuiteOptions,
): void {
  defineStoreSuite(
    test,
    `LeaseStore conformance: ${name}`,
    factory,
    (fixture, it) => {
      it('gives a free name to one holder, refuses it to others and renews it for its holder', async () => {
        const store = fixture.store()
        const lease = uniqueId('lease')
        assert.equal(await store.acquire(lease, 'a', 30_000), true)
        assert.equal(await (await fixture.another()).acquire(lease, 'b', 30_000), false)
        assert.equal(await store.acquire(lease, 'a', 30_000), true, 'the holder renews its own lease')
      })

      it('frees a lease on release by its holder only, and when it expires', async () => {
        const store = fixture.store()
        const lease = uniqueId('lease')
        assert.equal(await store.acquire(lease, 'a', 30_000), true)
        await store.release(lease, 'b')
        assert.equal(await store.acquire(lease, 'b', 30_000), false, 'only the holder releases')
        await store.release(lease, 'a')
        assert.equal(await store.acquire(lease, 'b', 50), true, 'a released lease is free')
        await new Promise((resolve) => setTimeout(resolve, 150))
        assert.equal(
          await (await fixture.another()).acquire(lease, 'c', 30_000),
          true,
          'an expired lease is free',
        )
      })

      it('lets exactly one of many concurrent holders on two handles take a free name', async () => {
        const [first, second] = [fixture.store(), await fixture.another()]
        const lease = uniqueId('lease')
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, index) =>
            (index % 2 === 0 ? first : second).acquire(lease, `holder-${index}`, 30_000),
          ),
        )
        assert.equal(results.filter(Boolean).length, 1)
      })
    },
    options,
  )
}
