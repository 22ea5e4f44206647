import assert from 'node:assert/strict'
import { isDeepStrictEqual } from 'node:util'
import type { PersonalConfig, PersonalConfigStore } from '../core/ports/personal-config-store.ts'
import { defineStoreSuite, type StoreFixture, type StoreSuiteOptions } from './store-suite.ts'
import type { TestFunctions } from './test-functions.ts'
import { uniqueId } from './unique-id.ts'

function config(overrides: Partial<PersonalConfig> = {}): PersonalConfig {
  return {
    agentId: uniqueId('agent'),
    ownerId: uniqueId('user'),
    values: { city: 'Zürich «Altstadt»', units: ['metric'], days: 3, alerts: false, note: null },
    secrets: { api_key: 'agw1.abcd1234.c2VhbGVk' },
    instructions: 'Answer in German — briefly.',
    updatedAt: 1_700_000_000_000,
    ...overrides,
  }
}

/**
 * Registers the `PersonalConfigStore` conformance tests: every personal-config store — shipped
 * or your own — must pass them.
 *
 * Covered: a setup round-trips (values of every JSON type, sealed secrets, `null` instructions);
 * setups are keyed by agent and owner, so one owner's setup is never another's; `put` replaces
 * the whole record; `listByOwner` lists exactly one owner's setups; `delete` reports whether
 * there was one; a change through one handle is seen through another; concurrent `put`s for one
 * key on two handles leave one of the written records, never a mix; records read are copies.
 *
 * @example
 * ```ts
 * definePersonalConfigStoreConformance({ describe, it, beforeAll, afterAll }, 'my store', openFixture)
 * ```
 */
export function definePersonalConfigStoreConformance(
  test: TestFunctions,
  name: string,
  factory: () => Promise<StoreFixture<PersonalConfigStore>>,
  options?: StoreSuiteOptions,
): void {
  defineStoreSuite(
    test,
    `PersonalConfigStore conformance: ${name}`,
    factory,
    (fixture, it) => {
      it('round-trips a setup, keeping null instructions apart from empty ones', async () => {
        const store = fixture.store()
        const full = config()
        const bare = config({ values: {}, secrets: {}, instructions: null })
        const empty = config({ instructions: '' })
        for (const entry of [full, bare, empty]) await store.put(entry)
        for (const entry of [full, bare, empty])
          assert.deepEqual(await store.get(entry.agentId, entry.ownerId), entry)
      })

      it('keys setups by agent and owner: another owner or agent gets nothing', async () => {
        const store = fixture.store()
        const mine = config()
        await store.put(mine)
        assert.equal(await store.get(mine.agentId, uniqueId('user')), undefined)
        assert.equal(await store.get(uniqueId('agent'), mine.ownerId), undefined)
        const theirs = config({ agentId: mine.agentId, values: { city: 'Oslo' }, secrets: {} })
        await store.put(theirs)
        assert.deepEqual(await store.get(mine.agentId, mine.ownerId), mine)
        assert.deepEqual(await store.get(theirs.agentId, theirs.ownerId), theirs)
      })

      it('replaces the whole record on put, seen through another handle', async () => {
        const store = fixture.store()
        const first = config()
        await store.put(first)
        const second = { ...first, values: { city: 'Bern' }, secrets: {}, instructions: null, updatedAt: 2 }
        await store.put(second)
        assert.deepEqual(await store.get(first.agentId, first.ownerId), second)
        assert.deepEqual(await (await fixture.another()).get(first.agentId, first.ownerId), second)
      })

      it("lists exactly one owner's setups", async () => {
        const store = fixture.store()
        const ownerId = uniqueId('user')
        const mine = [config({ ownerId }), config({ ownerId })]
        for (const entry of [...mine, config()]) await store.put(entry)
        const listed = await store.listByOwner(ownerId)
        const byAgent = (a: PersonalConfig, b: PersonalConfig) => a.agentId.localeCompare(b.agentId)
        assert.deepEqual(listed.sort(byAgent), [...mine].sort(byAgent))
        assert.deepEqual(await store.listByOwner(uniqueId('user')), [])
      })

      it('deletes one setup and says whether there was one', async () => {
        const store = fixture.store()
        const entry = config()
        const neighbour = config({ ownerId: entry.ownerId })
        await store.put(entry)
        await store.put(neighbour)
        assert.equal(await store.delete(entry.agentId, entry.ownerId), true)
        assert.equal(await store.delete(entry.agentId, entry.ownerId), false)
        assert.equal(await (await fixture.another()).get(entry.agentId, entry.ownerId), undefined)
        assert.deepEqual(await store.get(neighbour.agentId, neighbour.ownerId), neighbour)
      })

      it('keeps one of the written records, whole, when two handles put for one key at once', async () => {
        const store = fixture.store()
        const other = await fixture.another()
        const agentId = uniqueId('agent')
        const ownerId = uniqueId('user')
        const writes = Array.from({ length: 6 }, (_, index) =>
          config({
            agentId,
            ownerId,
            values: { city: `city ${index}` },
            secrets: index % 2 === 0 ? { api_key: `sealed-${index}` } : {},
            instructions: index % 3 === 0 ? null : `version ${index}`,
            updatedAt: 1_700_000_000_000 + index,
          }),
        )
        await Promise.all(writes.map((entry, index) => (index % 2 === 0 ? store : other).put(entry)))
        const stored = await store.get(agentId, ownerId)
        assert.ok(
          writes.some((entry) => isDeepStrictEqual(entry, stored)),
          `the stored record must be one of those written, not a mix: ${JSON.stringify(stored)}`,
        )
      })

      it('hands out copies: changing a read record does not change the store', async () => {
        const store = fixture.store()
        const entry = config()
        await store.put(entry)
        const read = await store.get(entry.agentId, entry.ownerId)
        assert.ok(read)
        read.values.city = 'changed'
        read.secrets.api_key = 'changed'
        const [listed] = await store.listByOwner(entry.ownerId)
        assert.ok(listed)
        listed.instructions = 'changed'
        assert.deepEqual(await store.get(entry.agentId, entry.ownerId), entry)
      })
    },
    options,
  )
}
