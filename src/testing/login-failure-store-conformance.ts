import assert from 'node:assert/strict'
import type { LoginFailureStore } from '../core/ports/login-failure-store.ts'
import { defineStoreSuite, type StoreFixture, type StoreSuiteOptions } from './store-suite.ts'
import type { TestFunctions } from './test-functions.ts'
import { uniqueId } from './unique-id.ts'

const windowMs = 60_000
// A fixed clock: the store takes `now` from its caller, so windows are tested without waiting.
const start = 1_700_000_000_000

/**
 * Registers the `LoginFailureStore` conformance tests: every login-failure store — shipped or
 * your own — must pass them. Times are passed in, so nothing waits for a window to end.
 *
 * Covered: an unknown key has no failures; failures count up within a window and report when it
 * ends; a window that is over reads as empty and the next failure opens a new one; keys are kept
 * apart; `clear` forgets a key (and is idempotent); concurrent failures on two handles each get
 * a different count and none is lost.
 *
 * @example
 * ```ts
 * defineLoginFailureStoreConformance({ describe, it, beforeAll, afterAll }, 'my store', async () => {
 *   const store = await openMyStore()
 *   return { store, connectAnother: () => openMyStore(), cleanup: () => store.close() }
 * })
 * ```
 */
export function defineLoginFailureStoreConformance(
  test: TestFunctions,
  name: string,
  factory: () => Promise<StoreFixture<LoginFailureStore>>,
  options?: StoreSuiteOptions,
): void {
  defineStoreSuite(
    test,
    `LoginFailureStore conformance: ${name}`,
    factory,
    (fixture, it) => {
      it('reports no failures for an unknown key', async () => {
        assert.deepEqual(await fixture.store().count(uniqueId('key'), windowMs, start), {
          failures: 0,
          resetAt: start,
        })
      })

      it('counts failures within a window and says when the window ends, without counting on reads', async () => {
        const store = fixture.store()
        const key = uniqueId('key')
        assert.equal(await store.record(key, windowMs, start), 1)
        assert.equal(await store.record(key, windowMs, start + 10), 2)
        assert.equal(await store.record(key, windowMs, start + 20), 3)
        const expected = { failures: 3, resetAt: start + windowMs }
        assert.deepEqual(await store.count(key, windowMs, start + 30), expected)
        assert.deepEqual(await store.count(key, windowMs, start + 40), expected)
        assert.deepEqual(await (await fixture.another()).count(key, windowMs, start + 50), expected)
      })

      it('reads a window that is over as empty, and opens a new one on the next failure', async () => {
        const store = fixture.store()
        const key = uniqueId('key')
        await store.record(key, windowMs, start)
        await store.record(key, windowMs, start + 1)
        const later = start + windowMs
        assert.deepEqual(await store.count(key, windowMs, later), { failures: 0, resetAt: later })
        assert.equal(await store.record(key, windowMs, later + 5), 1)
        assert.deepEqual(await store.count(key, windowMs, later + 6), {
          failures: 1,
          resetAt: later + 5 + windowMs,
        })
      })

      it('keeps keys apart and forgets a cleared key', async () => {
        const store = fixture.store()
        const [a, b] = [uniqueId('key'), uniqueId('key')]
        await store.record(a, windowMs, start)
        await store.record(a, windowMs, start)
        await store.record(b, windowMs, start)
        await (await fixture.another()).clear(a)
        assert.equal((await store.count(a, windowMs, start + 1)).failures, 0)
        assert.equal((await store.count(b, windowMs, start + 1)).failures, 1)
        await store.clear(a)
        await store.clear(uniqueId('never-seen'))
        assert.equal(await store.record(a, windowMs, start + 2), 1)
      })

      it('gives concurrent failures on two handles distinct counts and loses none', async () => {
        const [first, second] = [fixture.store(), await fixture.another()]
        const key = uniqueId('key')
        const total = 12
        const counts = await Promise.all(
          Array.from({ length: total }, (_, index) =>
            (index % 2 === 0 ? first : second).record(key, windowMs, start + index),
          ),
        )
        assert.deepEqual(
          [...counts].sort((a, b) => a - b),
          Array.from({ length: total }, (_, index) => index + 1),
        )
        assert.equal((await first.count(key, windowMs, start + total)).failures, total)
      })
    },
    options,
  )
}
