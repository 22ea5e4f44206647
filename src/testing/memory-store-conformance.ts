import assert from 'node:assert/strict'
import type { MemoryScope, MemoryStore } from '../core/ports/memory-store.ts'
import { defineStoreSuite, type StoreFixture, type StoreSuiteOptions } from './store-suite.ts'
import type { TestFunctions } from './test-functions.ts'
import { uniqueId } from './unique-id.ts'

function scope(): MemoryScope {
  return { ownerId: uniqueId('user'), agentId: uniqueId('agent') }
}

/**
 * Registers the `MemoryStore` conformance tests: every memory store — shipped or your own —
 * must pass them.
 *
 * Covered: a saved memory round-trips (unicode intact) and is listed oldest first; memories are
 * scoped by owner and agent, for list, recall, forget and replace alike; recall finds memories by
 * their words, ranks the one matching more of the query first, honours `limit` and returns nothing
 * for an empty query or one matching nothing; `forget` reports whether there was such a memory;
 * `replace` swaps a scope's memories for the new ones; a memory saved through one handle is
 * recalled through another.
 *
 * @example
 * ```ts
 * defineMemoryStoreConformance({ describe, it, beforeAll, afterAll }, 'my store', openFixture)
 * ```
 */
export function defineMemoryStoreConformance(
  test: TestFunctions,
  name: string,
  factory: () => Promise<StoreFixture<MemoryStore>>,
  options?: StoreSuiteOptions,
): void {
  defineStoreSuite(
    test,
    `MemoryStore conformance: ${name}`,
    factory,
    (fixture, it) => {
      it('round-trips a memory and lists a scope oldest first', async () => {
        const store = fixture.store()
        const mine = scope()
        const first = await store.save(mine, 'The user lives in Zürich «Altstadt» — near the lake.')
        const second = await store.save(mine, 'The user prefers metric units.')
        assert.equal(first.content, 'The user lives in Zürich «Altstadt» — near the lake.')
        assert.equal(first.ownerId, mine.ownerId)
        assert.equal(first.agentId, mine.agentId)
        assert.notEqual(first.id, second.id)
        assert.deepEqual(await store.list(mine), [first, second])
      })

      it('scopes memories by owner and agent', async () => {
        const store = fixture.store()
        const mine = scope()
        const saved = await store.save(mine, 'favourite colour is teal')
        const otherUser = { ...mine, ownerId: uniqueId('user') }
        const otherAgent = { ...mine, agentId: uniqueId('agent') }
        for (const other of [otherUser, otherAgent]) {
          assert.deepEqual(await store.list(other), [])
          assert.deepEqual(await store.recall(other, 'favourite colour teal', 10), [])
          assert.equal(await store.forget(other, saved.id), false)
          await store.replace(other, [])
        }
        assert.deepEqual(await store.list(mine), [saved])
      })

      it('recalls by words, most relevant first, within the limit', async () => {
        const store = fixture.store()
        const mine = scope()
        const pets = await store.save(mine, 'The user has two cats named Miso and Nori')
        const both = await store.save(mine, 'The cats eat salmon on Fridays')
        await store.save(mine, 'The user works as a carpenter')
        const ranked = await store.recall(mine, 'salmon cats', 10)
        assert.deepEqual(
          ranked.map((memory) => memory.id),
          [both.id, pets.id],
        )
        assert.equal((await store.recall(mine, 'salmon cats', 1)).length, 1)
        assert.deepEqual(await store.recall(mine, 'submarine', 10), [])
        assert.deepEqual(await store.recall(mine, '  ?! ', 10), [])
      })

      it('forgets one memory and says whether it was there', async () => {
        const store = fixture.store()
        const mine = scope()
        const kept = await store.save(mine, 'keep this')
        const gone = await store.save(mine, 'drop this walrus')
        assert.equal(await store.forget(mine, gone.id), true)
        assert.equal(await store.forget(mine, gone.id), false)
        assert.deepEqual(await store.list(mine), [kept])
        assert.deepEqual(await store.recall(mine, 'walrus', 10), [])
      })

      it('replaces a scope, leaving others alone', async () => {
        const store = fixture.store()
        const mine = scope()
        const neighbour = { ...mine, agentId: uniqueId('agent') }
        await store.save(mine, 'old fact about pelicans')
        const theirs = await store.save(neighbour, 'their fact about pelicans')
        const fresh = await store.replace(mine, ['merged fact about herons', 'another fact'])
        assert.deepEqual(
          fresh.map((memory) => memory.content),
          ['merged fact about herons', 'another fact'],
        )
        assert.deepEqual(await store.list(mine), fresh)
        assert.deepEqual(await store.recall(mine, 'pelicans', 10), [])
        assert.deepEqual(
          (await store.recall(mine, 'herons', 10)).map((memory) => memory.id),
          [fresh[0]?.id],
        )
        assert.deepEqual(await store.list(neighbour), [theirs])
      })

      it('recalls through another handle what one handle saved', async () => {
        const mine = scope()
        const saved = await fixture.store().save(mine, 'allergic to peanuts')
        const other = await fixture.another()
        assert.deepEqual(await other.recall(mine, 'peanuts', 5), [saved])
      })
    },
    options,
  )
}
