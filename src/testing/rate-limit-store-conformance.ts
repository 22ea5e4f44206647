import assert from 'node:assert/strict'
import type { RateLimitStore } from '../core/ports/rate-limit-store.ts'
import { defineStoreSuite, type StoreFixture, type StoreSuiteOptions } from './store-suite.ts'
import type { TestFunctions } from './test-functions.ts'
import { uniqueId } from './unique-id.ts'
import { waitFor } from './wait-for.ts'

const windowMs = 60_000
// The shortest window every backend supports (Redis counts in whole seconds).
const shortWindowMs = 1000

/**
 * Registers the `RateLimitStore` conformance tests: every rate-limit store — shipped or your
 * own — must pass them. The store keeps its own clock, so the window test waits for one short
 * window (one second) to end.
 *
 * Covered: hits count up within a window with the time left in it; `peek` reads without
 * counting and knows no unknown key; keys are kept apart; concurrent hits on two handles each get
 * a different count and none is lost; after a window ends the count starts again at 1.
 *
 * @example
 * ```ts
 * defineRateLimitStoreConformance({ describe, it, beforeAll, afterAll }, 'my store', async () => {
 *   const store = await openMyStore()
 *   return { store, connectAnother: () => openMyStore(), cleanup: () => store.close() }
 * })
 * ```
 */
export function defineRateLimitStoreConformance(
  test: TestFunctions,
  name: string,
  factory: () => Promise<StoreFixture<RateLimitStore>>,
  options?: StoreSuiteOptions,
): void {
  defineStoreSuite(
    test,
    `RateLimitStore conformance: ${name}`,
    factory,
    (fixture, it) => {
      it('counts hits within a window and says how long the window has left', async () => {
        const store = fixture.store()
        const key = uniqueId('client')
        const counters = [
          await store.hit(key, windowMs),
          await store.hit(key, windowMs),
          await store.hit(key, windowMs),
        ]
        assert.deepEqual(
          counters.map((counter) => counter.count),
          [1, 2, 3],
        )
        for (const counter of counters) {
          assert.ok(
            counter.resetMs > 0 && counter.resetMs <= windowMs,
            `resetMs ${counter.resetMs} within the window`,
          )
        }
      })

      it('peeks without counting, and knows no unknown key', async () => {
        const store = fixture.store()
        const key = uniqueId('client')
        assert.equal(await store.peek(key, windowMs), undefined)
        await store.hit(key, windowMs)
        await store.hit(key, windowMs)
        assert.equal((await store.peek(key, windowMs))?.count, 2)
        assert.equal((await (await fixture.another()).peek(key, windowMs))?.count, 2)
        assert.equal((await store.hit(key, windowMs)).count, 3)
      })

      it('keeps keys apart', async () => {
        const store = fixture.store()
        const [a, b] = [uniqueId('client'), uniqueId('client')]
        await store.hit(a, windowMs)
        await store.hit(a, windowMs)
        assert.equal((await store.hit(b, windowMs)).count, 1)
        assert.equal((await store.peek(a, windowMs))?.count, 2)
      })

      it('gives concurrent hits on two handles distinct counts and loses none', async () => {
        const [first, second] = [fixture.store(), await fixture.another()]
        const key = uniqueId('client')
        const total = 20
        const counters = await Promise.all(
          Array.from({ length: total }, (_, index) => (index % 2 === 0 ? first : second).hit(key, windowMs)),
        )
        assert.deepEqual(
          counters.map((counter) => counter.count).sort((a, b) => a - b),
          Array.from({ length: total }, (_, index) => index + 1),
        )
        assert.equal((await first.peek(key, windowMs))?.count, total)
      })

      it('starts counting again at 1 once a window has ended', async () => {
        const store = fixture.store()
        const key = uniqueId('client')
        await store.hit(key, shortWindowMs)
        await store.hit(key, shortWindowMs)
        await waitFor(
          async () => (await store.peek(key, shortWindowMs)) === undefined,
          'the window to end',
          5000,
          50,
        )
        assert.equal((await store.hit(key, shortWindowMs)).count, 1)
      })
    },
    options,
  )
}
