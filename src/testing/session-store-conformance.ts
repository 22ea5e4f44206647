import assert from 'node:assert/strict'
import type { ChatMessage } from '../core/execution-types.ts'
import type { SessionStore } from '../core/ports/session-store.ts'
import { assertLike, assertRejectsWithCode } from './assert-like.ts'
import { defineStoreSuite, type StoreFixture, type StoreSuiteOptions } from './store-suite.ts'
import type { TestFunctions } from './test-functions.ts'
import { uniqueId } from './unique-id.ts'
import { sleep } from './wait-for.ts'

/** One turn with a tool call, as the engine stores it. */
const turn = (at: number, question = 'q', answer = 'a'): ChatMessage[] => [
  { role: 'user', content: question },
  { role: 'assistant', content: '', toolCalls: [{ id: `c${at}`, name: 'tool', arguments: { at } }] },
  { role: 'tool', results: [{ callId: `c${at}`, name: 'tool', content: '{"ok":1}', isError: false }] },
  { role: 'assistant', content: answer },
]

/**
 * Registers the `SessionStore` conformance tests: every session store — shipped or your own —
 * must pass them. Give `connectAnother` for a store shared by processes, so the turn lock is
 * tested across two handles.
 *
 * Covered: a session is created by its first turn and later turns append in order, with counts,
 * times and a title from the first user message; long history comes back trimmed to start with a
 * user turn; listing by recency with agent, owner (anonymous included), time and limit filters;
 * deleting removes the history; the turn lock serializes turns across handles, reports
 * `session_busy` after the wait without running the work, returns the work's result, is released
 * when the work throws, and does not block other sessions; pruning idle sessions with their
 * history in batches; records read are copies.
 *
 * @example
 * ```ts
 * defineSessionStoreConformance({ describe, it, beforeAll, afterAll }, 'my store', openFixture)
 * ```
 */
export function defineSessionStoreConformance(
  test: TestFunctions,
  name: string,
  factory: () => Promise<StoreFixture<SessionStore>>,
  options?: StoreSuiteOptions,
): void {
  defineStoreSuite(
    test,
    `SessionStore conformance: ${name}`,
    factory,
    (fixture, it) => {
      it('creates a session on its first turn and appends the next ones in order', async () => {
        const store = fixture.store()
        const id = uniqueId('sess')
        const longQuestion = `${'why '.repeat(40)}?`
        await store.appendTurn(id, {
          agentId: 'agent-a',
          ownerId: 'user-1',
          messages: turn(1, longQuestion, 'hello'),
          at: 1000,
        })
        await store.appendTurn(id, {
          agentId: 'agent-a',
          ownerId: 'user-1',
          messages: turn(2, 'again', 'sure'),
          at: 2000,
        })
        const session = await (await fixture.another()).get(id)
        assertLike(session, {
          id,
          agentId: 'agent-a',
          ownerId: 'user-1',
          turnCount: 2,
          messageCount: 8,
          title: longQuestion.slice(0, 120),
          createdAt: 1000,
          updatedAt: 2000,
        })
        assert.deepEqual(session?.messages, [...turn(1, longQuestion, 'hello'), ...turn(2, 'again', 'sure')])
        assert.equal(await store.get(uniqueId('missing')), undefined)
      })

      it('returns recent history starting with a user turn when it is long', async () => {
        const store = fixture.store()
        const id = uniqueId('sess')
        for (let index = 0; index < 30; index++) {
          await store.appendTurn(id, {
            agentId: 'a',
            ownerId: null,
            messages: turn(index, `q${index}`),
            at: 1000 + index,
          })
        }
        const session = await store.get(id)
        assert.equal(session?.messageCount, 120)
        assert.ok((session?.messages.length ?? 0) <= 100 && (session?.messages.length ?? 0) >= 96)
        assert.equal(session?.messages[0]?.role, 'user')
        assert.deepEqual(session?.messages.at(-1), { role: 'assistant', content: 'a' })
        assert.equal(session?.title, 'q0')
      })

      it('lists by recency with agent, owner, time and limit filters', async () => {
        const store = fixture.store()
        const agentId = uniqueId('agent')
        const [a, b, c, d] = [uniqueId('sess'), uniqueId('sess'), uniqueId('sess'), uniqueId('sess')]
        await store.appendTurn(a, { agentId, ownerId: 'u1', messages: turn(1), at: 10 })
        await store.appendTurn(b, { agentId, ownerId: 'u2', messages: turn(1), at: 20 })
        await store.appendTurn(c, { agentId, ownerId: 'u1', messages: turn(1), at: 30 })
        await store.appendTurn(d, { agentId, ownerId: null, messages: turn(1), at: 40 })
        await store.appendTurn(uniqueId('sess'), {
          agentId: uniqueId('agent'),
          ownerId: 'u1',
          messages: turn(1),
          at: 50,
        })
        const listed = async (filter: Partial<Parameters<SessionStore['list']>[0]>) =>
          (await store.list({ agentId, limit: 10, ...filter })).map((session) => session.id)
        assert.deepEqual(await listed({}), [d, c, b, a])
        assert.deepEqual(await listed({ ownerId: 'u1' }), [c, a])
        assert.deepEqual(await listed({ ownerId: null }), [d])
        assert.deepEqual(await listed({ before: 30 }), [b, a])
        assert.deepEqual(await listed({ limit: 2 }), [d, c])
        const [summary] = await store.list({ agentId, limit: 1 })
        assert.ok(summary && !('messages' in summary), 'list returns summaries without messages')
      })

      it('deletes a session with its history; a later turn starts it afresh', async () => {
        const store = fixture.store()
        const id = uniqueId('sess')
        await store.appendTurn(id, { agentId: 'a', ownerId: 'u1', messages: turn(1, 'old'), at: 10 })
        assert.equal(await (await fixture.another()).delete(id), true)
        assert.equal(await store.delete(id), false)
        assert.equal(await store.get(id), undefined)
        await store.appendTurn(id, { agentId: 'a', ownerId: 'u1', messages: turn(2, 'new'), at: 20 })
        assertLike(await store.get(id), { turnCount: 1, messageCount: 4, title: 'new', createdAt: 20 })
      })

      it('serializes turns on one session across handles and reports session_busy after the wait', async () => {
        const store = fixture.store()
        const other = await fixture.another()
        const id = uniqueId('sess')
        const order: string[] = []
        let release = () => {}
        const held = new Promise<void>((resolve) => {
          release = resolve
        })
        let entered = () => {}
        const started = new Promise<void>((resolve) => {
          entered = resolve
        })
        const first = store.withLock(id, 5000, async () => {
          order.push('first:start')
          entered()
          await held
          order.push('first:end')
        })
        await started
        let ran = false
        await assertRejectsWithCode(
          other.withLock(id, 100, async () => {
            ran = true
          }),
          'session_busy',
        )
        assert.equal(ran, false, 'work must not run when the lock was not acquired')
        const second = other.withLock(id, 5000, async () => {
          order.push('second')
        })
        // Held long enough for a lock that does not exclude to let `second` in early.
        await sleep(150)
        release()
        await Promise.all([first, second])
        assert.deepEqual(order, ['first:start', 'first:end', 'second'])
      })

      it('returns the work result, releases the lock when the work throws, and keeps sessions apart', async () => {
        const store = fixture.store()
        const id = uniqueId('sess')
        assert.equal(await store.withLock(id, 1000, async () => 42), 42)
        await assert.rejects(
          store.withLock(id, 1000, async () => {
            throw new Error('turn failed')
          }),
          /turn failed/,
        )
        assert.equal(await (await fixture.another()).withLock(id, 1000, async () => 'again'), 'again')
        const inner = await store.withLock(id, 1000, () =>
          store.withLock(uniqueId('sess'), 1000, async () => 'other session'),
        )
        assert.equal(inner, 'other session')
      })

      it('pruneIdle deletes sessions idle past the cutoff with their whole history', async () => {
        const store = fixture.store()
        // Far in the past relative to other tests' sessions, which use small or current times too.
        const idle = uniqueId('sess')
        const alsoIdle = uniqueId('sess')
        const active = uniqueId('sess')
        await store.appendTurn(idle, { agentId: 'a', ownerId: null, messages: turn(1, 'old'), at: 1 })
        await store.appendTurn(idle, { agentId: 'a', ownerId: null, messages: turn(2, 'old'), at: 2 })
        await store.appendTurn(alsoIdle, { agentId: 'a', ownerId: null, messages: turn(1), at: 3 })
        await store.appendTurn(active, { agentId: 'a', ownerId: null, messages: turn(1), at: 8 })
        assert.equal(await store.pruneIdle(4, 1), 1)
        let rounds = 0
        while ((await store.pruneIdle(4, 1)) === 1) assert.ok(++rounds < 10_000)
        assert.equal(await store.get(idle), undefined)
        assert.equal(await store.get(alsoIdle), undefined)
        assertLike(await store.get(active), { turnCount: 1 })
        // The history went with it: the same id starts afresh.
        await store.appendTurn(idle, { agentId: 'a', ownerId: null, messages: turn(3, 'new'), at: 9 })
        const again = await store.get(idle)
        assertLike(again, { turnCount: 1, messageCount: 4, title: 'new' })
        assert.equal(again?.messages.length, 4)
      })

      it('hands out copies: changing a read session does not change the store', async () => {
        const store = fixture.store()
        const id = uniqueId('sess')
        await store.appendTurn(id, { agentId: 'a', ownerId: 'u1', messages: turn(1, 'hi'), at: 10 })
        const read = await store.get(id)
        assert.ok(read)
        read.messages.push({ role: 'user', content: 'injected' })
        read.turnCount = 99
        const again = await store.get(id)
        assertLike(again, { turnCount: 1, messageCount: 4 })
        assert.equal(again?.messages.length, 4)
      })
    },
    options,
  )
}
