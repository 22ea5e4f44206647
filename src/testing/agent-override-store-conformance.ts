import assert from 'node:assert/strict'
import { isDeepStrictEqual } from 'node:util'
import type { AgentOverride, AgentOverrideStore } from '../core/ports/agent-override-store.ts'
import { defineStoreSuite, type StoreFixture, type StoreSuiteOptions } from './store-suite.ts'
import type { TestFunctions } from './test-functions.ts'
import { uniqueId } from './unique-id.ts'

function override(overrides: Partial<AgentOverride> = {}): AgentOverride {
  return {
    agentId: uniqueId('agent'),
    enabled: false,
    description: 'Answers «everything» — carefully',
    model: 'openai:gpt-4o-mini',
    executionMode: 'async',
    updatedBy: 'user:admin',
    updatedAt: 1_700_000_000_000,
    ...overrides,
  }
}

/**
 * Registers the `AgentOverrideStore` conformance tests: every agent override store — shipped or
 * your own — must pass them.
 *
 * Covered: an override round-trips, keeping `false` and `null` apart; `put` replaces the whole
 * record (a `null` clears an earlier value) and keeps one record per agent; a change through one
 * handle is listed through another; concurrent `put`s for one agent on two handles leave one of
 * the written records, never a mix; records read are copies.
 *
 * @example
 * ```ts
 * defineAgentOverrideStoreConformance({ describe, it, beforeAll, afterAll }, 'my store', openFixture)
 * ```
 */
export function defineAgentOverrideStoreConformance(
  test: TestFunctions,
  name: string,
  factory: () => Promise<StoreFixture<AgentOverrideStore>>,
  options?: StoreSuiteOptions,
): void {
  defineStoreSuite(
    test,
    `AgentOverrideStore conformance: ${name}`,
    factory,
    (fixture, it) => {
      const find = async (store: AgentOverrideStore, agentId: string) =>
        (await store.list()).filter((entry) => entry.agentId === agentId)

      it('round-trips an override, keeping false and null apart', async () => {
        const store = fixture.store()
        const disabled = override()
        const untouched = override({
          enabled: null,
          description: null,
          model: null,
          executionMode: null,
          updatedBy: null,
        })
        const enabled = override({ enabled: true, executionMode: 'sync' })
        for (const entry of [disabled, untouched, enabled]) await store.put(entry)
        for (const entry of [disabled, untouched, enabled])
          assert.deepEqual(await find(store, entry.agentId), [entry])
      })

      it('replaces the whole record on put, one record per agent, seen through another handle', async () => {
        const store = fixture.store()
        const first = override()
        await store.put(first)
        const second = {
          ...first,
          enabled: null,
          description: null,
          model: 'mock:echo',
          updatedAt: first.updatedAt + 1,
        }
        await store.put(second)
        assert.deepEqual(await find(store, first.agentId), [second])
        assert.deepEqual(await find(await fixture.another(), first.agentId), [second])
      })

      it('keeps one of the written records, whole, when two handles put for one agent at once', async () => {
        const store = fixture.store()
        const other = await fixture.another()
        const agentId = uniqueId('agent')
        const writes = Array.from({ length: 6 }, (_, index) =>
          override({
            agentId,
            enabled: index % 2 === 0,
            description: `version ${index}`,
            model: `mock:model-${index}`,
            executionMode: index % 2 === 0 ? 'sync' : 'async',
            updatedBy: `user:admin-${index}`,
            updatedAt: 1_700_000_000_000 + index,
          }),
        )
        await Promise.all(writes.map((entry, index) => (index % 2 === 0 ? store : other).put(entry)))
        const stored = await find(store, agentId)
        assert.equal(stored.length, 1)
        assert.ok(
          writes.some((entry) => isDeepStrictEqual(entry, stored[0])),
          `the stored record must be one of those written, not a mix: ${JSON.stringify(stored[0])}`,
        )
      })

      it('hands out copies: changing a listed record does not change the store', async () => {
        const store = fixture.store()
        const entry = override()
        await store.put(entry)
        const [listed] = await find(store, entry.agentId)
        assert.ok(listed)
        listed.enabled = true
        listed.model = 'changed:model'
        assert.deepEqual(await find(store, entry.agentId), [entry])
      })
    },
    options,
  )
}
