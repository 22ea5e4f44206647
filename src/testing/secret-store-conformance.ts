import assert from 'node:assert/strict'
import type { SecretStore } from '../core/ports/secret-store.ts'
import { defineStoreSuite, type StoreFixture, type StoreSuiteOptions } from './store-suite.ts'
import type { TestFunctions } from './test-functions.ts'
import { uniqueId } from './unique-id.ts'

/** Racers per round of the `getOrCreate` race, split over the two handles. */
const racers = 8
const rounds = 10

/**
 * Races `getOrCreate` on fresh names: `racers` callers per name, alternating between `first` and
 * `second` (two handles on the same data, or one store twice), each offering its own value.
 * Exactly one value may be stored, and every caller must get it. Exported for the suite's own
 * test, which shows that it catches a store that checks and then sets.
 */
export async function raceGetOrCreate(first: SecretStore, second: SecretStore): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    const name = uniqueId('race')
    const offered: string[] = []
    const results = await Promise.all(
      Array.from({ length: racers }, (_, index) =>
        (index % 2 === 0 ? first : second).getOrCreate(name, () => {
          const value = `value-${round}-${index}`
          offered.push(value)
          return value
        }),
      ),
    )
    const distinct = [...new Set(results)]
    assert.equal(
      distinct.length,
      1,
      `${racers} racers on one missing name must all get the one stored value; got ${distinct.join(', ')}`,
    )
    assert.ok(offered.includes(distinct[0] as string), 'the stored value must be one a racer offered')
    assert.equal(
      await second.getOrCreate(name, () => 'late'),
      distinct[0],
      'a later call reads the stored value',
    )
    assert.equal(
      await first.getOrCreate(name, () => 'late'),
      distinct[0],
      'a later call reads the stored value',
    )
  }
}

/**
 * Registers the `SecretStore` conformance tests: every secret store — shipped or your own — must
 * pass them. `factory` is called once for the block; give `connectAnother` when the store can be
 * reached from other processes, so the race runs across two independent handles.
 *
 * Covered: the first value is stored and returned on every later call without calling `create`
 * again; names are kept apart; a value stored through one handle is read through another; odd
 * values round-trip; concurrent `getOrCreate` on a missing name — across the two handles —
 * stores exactly one value and every racer gets it.
 *
 * @example
 * ```ts
 * import { afterAll, beforeAll, describe, it } from 'vitest'
 * defineSecretStoreConformance({ describe, it, beforeAll, afterAll }, 'my store', async () => {
 *   const store = await openMySecretStore()
 *   return { store, connectAnother: () => openMySecretStore(), cleanup: () => store.close() }
 * })
 * ```
 */
export function defineSecretStoreConformance(
  test: TestFunctions,
  name: string,
  factory: () => Promise<StoreFixture<SecretStore>>,
  options?: StoreSuiteOptions,
): void {
  defineStoreSuite(
    test,
    `SecretStore conformance: ${name}`,
    factory,
    (fixture, it) => {
      it('stores the first value and returns it on every later call, without calling create again', async () => {
        const store = fixture.store()
        const name = uniqueId('secret')
        assert.equal(await store.getOrCreate(name, () => 'first'), 'first')
        assert.equal(
          await store.getOrCreate(name, () => assert.fail('create must not run for a stored name')),
          'first',
        )
      })

      it('keeps names apart', async () => {
        const store = fixture.store()
        const [a, b] = [uniqueId('secret'), uniqueId('secret')]
        assert.equal(await store.getOrCreate(a, () => 'value-a'), 'value-a')
        assert.equal(await store.getOrCreate(b, () => 'value-b'), 'value-b')
        assert.equal(await store.getOrCreate(a, () => 'other'), 'value-a')
      })

      it('reads through another handle what one handle stored', async () => {
        const name = uniqueId('secret')
        assert.equal(await fixture.store().getOrCreate(name, () => 'shared'), 'shared')
        const other = await fixture.another()
        assert.equal(await other.getOrCreate(name, () => 'not this one'), 'shared')
      })

      it('round-trips long and non-ASCII values', async () => {
        const value = `ünïcødé 🔑 "quoted" \\ ${'x'.repeat(2000)}`
        const name = uniqueId('secret')
        assert.equal(await fixture.store().getOrCreate(name, () => value), value)
        assert.equal(await (await fixture.another()).getOrCreate(name, () => 'other'), value)
      })

      it('stores exactly one value when callers on two handles race on a missing name, and all of them get it', async () => {
        await raceGetOrCreate(fixture.store(), await fixture.another())
      })
    },
    options,
  )
}
