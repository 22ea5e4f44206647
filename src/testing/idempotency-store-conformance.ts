import assert from 'node:assert/strict'
import type { IdempotencyRecord, IdempotencyStore } from '../core/ports/idempotency-store.ts'
import { defineStoreSuite, type StoreFixture, type StoreSuiteOptions } from './store-suite.ts'
import type { TestFunctions } from './test-functions.ts'
import { uniqueId } from './unique-id.ts'

const recordOf = (
  scope: string,
  key: string,
  executionId: string,
  at: number,
  ttl = 60_000,
): IdempotencyRecord => ({
  scope,
  key,
  fingerprint: `fp-${executionId}`,
  executionId,
  createdAt: at,
  expiresAt: at + ttl,
})

/**
 * Registers the `IdempotencyStore` conformance tests: every idempotency store — shipped or your
 * own — must pass them. Give `connectAnother` when the store is shared between processes.
 *
 * Covered: the first claim stores its record and later ones get it back; scopes keep equal keys
 * apart; an expired record is replaced; `deleteExpired` removes expired records only; of
 * concurrent claims of one key across two handles, exactly one record is stored and all get it.
 */
export function defineIdempotencyStoreConformance(
  test: TestFunctions,
  name: string,
  factory: () => Promise<StoreFixture<IdempotencyStore>>,
  options?: StoreSuiteOptions,
): void {
  defineStoreSuite(
    test,
    `IdempotencyStore conformance: ${name}`,
    factory,
    (fixture, it) => {
      it('stores the first claim and answers later claims with it, per scope', async () => {
        const store = fixture.store()
        const [key, now] = [uniqueId('key'), Date.now()]
        const first = recordOf('alice', key, 'exec_1', now)
        assert.deepEqual(await store.claim(first, now), first)
        assert.deepEqual(
          await (await fixture.another()).claim(recordOf('alice', key, 'exec_2', now), now),
          first,
        )
        const bobs = recordOf('bob', key, 'exec_3', now)
        assert.deepEqual(await store.claim(bobs, now), bobs, 'another scope has its own keys')
      })

      it('replaces an expired record and deletes expired ones only', async () => {
        const store = fixture.store()
        const [key, kept, now] = [uniqueId('key'), uniqueId('key'), Date.now()]
        await store.claim(recordOf('alice', key, 'exec_old', now - 10_000, 5_000), now - 10_000)
        await store.claim(recordOf('alice', kept, 'exec_kept', now), now)
        const fresh = recordOf('alice', key, 'exec_new', now)
        assert.deepEqual(await store.claim(fresh, now), fresh)
        await store.claim(recordOf('alice', uniqueId('key'), 'exec_gone', now - 10_000, 5_000), now - 10_000)
        assert.ok((await store.deleteExpired(now)) >= 1)
        assert.equal(
          (await store.claim(recordOf('alice', kept, 'exec_other', now), now)).executionId,
          'exec_kept',
        )
      })

      it('stores exactly one of many concurrent claims on two handles, and every caller gets it', async () => {
        const [first, second] = [fixture.store(), await fixture.another()]
        const [key, now] = [uniqueId('key'), Date.now()]
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, index) =>
            (index % 2 === 0 ? first : second).claim(recordOf('alice', key, `exec_${index}`, now), now),
          ),
        )
        assert.equal(new Set(results.map((record) => record.executionId)).size, 1)
      })
    },
    options,
  )
}
