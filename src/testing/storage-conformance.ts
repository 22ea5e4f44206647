import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChatMessage } from '../core/execution-types.ts'
import type { ExecutionRecord, ExecutionStore } from '../core/ports/execution-store.ts'
import type { SessionStore } from '../core/ports/session-store.ts'

/** One storage backend under test. `sessionsAgain` is a second handle on the same data, when there can be one. */
export interface StorageUnderTest {
  executions: ExecutionStore
  sessions: SessionStore
  /** A second, independent store over the same data (another process's view), if the backend has one. */
  sessionsAgain?: SessionStore | undefined
  cleanup(): Promise<void>
}

let counter = 0
const uniqueId = (prefix: string) =>
  `${prefix}_${process.pid}_${Date.now().toString(36)}_${(counter++).toString(36)}`

function execution(overrides: Partial<ExecutionRecord> = {}): ExecutionRecord {
  const id = overrides.id ?? uniqueId('exec')
  return {
    id,
    agentId: 'agent-a',
    status: 'queued',
    kind: 'invoke',
    message: 'hello',
    input: { city: 'Porto', nested: { list: [1, 2] } },
    options: { timeoutMs: 5000, outputSchema: { type: 'object' } },
    result: null,
    error: null,
    usage: null,
    sessionId: null,
    principalId: null,
    parentExecutionId: null,
    rootExecutionId: id,
    depth: 0,
    attempts: 0,
    createdAt: Date.now(),
    startedAt: null,
    completedAt: null,
    cancelRequestedAt: null,
    ...overrides,
  }
}

const finished = (at = Date.now()) => ({
  status: 'completed' as const,
  result: { output: { ok: true }, rawText: '{"ok":true}', stopReason: 'completed', validationErrors: null },
  error: null,
  usage: {
    inputTokens: 3,
    outputTokens: 4,
    costUsd: 0.001,
    llmCalls: 1,
    toolCalls: 0,
    modelsUsed: ['mock:echo'],
  },
  at,
})

/**
 * The behaviour every execution and session store must have. Call inside a test file:
 * `defineStorageConformance('sqlite', async () => ({ executions, sessions, cleanup }))`.
 * Requires vitest.
 */
export function defineStorageConformance(name: string, factory: () => Promise<StorageUnderTest>): void {
  describe(`storage conformance: ${name}`, () => {
    let storage: StorageUnderTest
    beforeAll(async () => {
      storage = await factory()
    })
    afterAll(async () => {
      await storage?.cleanup()
    })

    describe('executions', () => {
      it('round-trips a record with its JSON fields', async () => {
        const record = execution({ principalId: 'key:ci', sessionId: 'sess_1' })
        await storage.executions.create(record)
        expect(await storage.executions.get(record.id)).toEqual({ ...record, updatedAt: record.createdAt })
        expect(await storage.executions.get('exec_missing')).toBeUndefined()
      })

      it('lists newest first with filters and cursor paging', async () => {
        const agentId = uniqueId('agent')
        const base = Date.now()
        const records = [0, 1, 2, 3, 4].map((index) =>
          execution({
            agentId,
            createdAt: base + index,
            status: index % 2 ? 'running' : 'queued',
            principalId: index === 4 ? 'p1' : null,
          }),
        )
        for (const record of records) await storage.executions.create(record)
        const first = await storage.executions.list({ agentId, limit: 2 })
        expect(first.items.map((item) => item.id)).toEqual([records[4]?.id, records[3]?.id])
        expect(first.nextCursor).not.toBeNull()
        const second = await storage.executions.list({
          agentId,
          limit: 2,
          cursor: first.nextCursor ?? undefined,
        })
        expect(second.items.map((item) => item.id)).toEqual([records[2]?.id, records[1]?.id])
        const third = await storage.executions.list({
          agentId,
          limit: 2,
          cursor: second.nextCursor ?? undefined,
        })
        expect(third.items.map((item) => item.id)).toEqual([records[0]?.id])
        expect(third.nextCursor).toBeNull()
        expect((await storage.executions.list({ agentId, status: 'running', limit: 10 })).items).toHaveLength(
          2,
        )
        expect(
          (await storage.executions.list({ agentId, principalId: 'p1', limit: 10 })).items.map(
            (item) => item.id,
          ),
        ).toEqual([records[4]?.id])
        expect((await storage.executions.list({ agentId, principalId: null, limit: 10 })).items).toHaveLength(
          4,
        )
      })

      it('filters by creation time and by the cost of finished executions', async () => {
        const agentId = uniqueId('agent')
        const base = Date.now()
        const records = [0, 1, 2].map((index) => execution({ agentId, createdAt: base + index * 1000 }))
        for (const record of records) await storage.executions.create(record)
        const costs = [0.001, 0.5]
        for (const [index, costUsd] of costs.entries()) {
          const update = finished(base + 5000)
          await storage.executions.finish(records[index]?.id as string, {
            ...update,
            usage: { ...update.usage, costUsd },
          })
        }
        const ids = async (filter: Partial<Parameters<ExecutionStore['list']>[0]>) =>
          (await storage.executions.list({ agentId, limit: 10, ...filter })).items.map((item) => item.id)
        expect(await ids({ minCostUsd: 0.01 })).toEqual([records[1]?.id])
        expect(await ids({ maxCostUsd: 0.01 })).toEqual([records[0]?.id])
        expect(await ids({ createdFrom: base + 1000 })).toEqual([records[2]?.id, records[1]?.id])
        expect(await ids({ createdBefore: base + 1000 })).toEqual([records[0]?.id])
      })

      it('aggregates executions, cost and duration by day and by agent', async () => {
        const principalId = uniqueId('principal')
        const dayMs = 86_400_000
        const today = Math.floor(Date.now() / dayMs) * dayMs
        const plan = [
          { agentId: 'stats-a', day: today - dayMs, costUsd: 0.25, status: 'completed' as const },
          { agentId: 'stats-a', day: today, costUsd: 0.5, status: 'completed' as const },
          { agentId: 'stats-b', day: today, costUsd: 0.125, status: 'failed' as const },
          { agentId: 'stats-b', day: today, costUsd: 0, status: 'running' as const },
        ]
        for (const [index, entry] of plan.entries()) {
          const record = execution({
            agentId: entry.agentId,
            principalId,
            createdAt: entry.day + 1000 + index,
          })
          await storage.executions.create(record)
          await storage.executions.markRunning(record.id, entry.day + 2000)
          if (entry.status === 'running') continue
          const update = finished(entry.day + 2000 + 100 * (index + 1))
          await storage.executions.finish(record.id, {
            ...update,
            status: entry.status,
            usage: { ...update.usage, costUsd: entry.costUsd },
          })
        }
        await storage.executions.create(execution({ agentId: 'stats-a', principalId: uniqueId('other') }))
        const stats = await storage.executions.stats({ since: today - 2 * dayMs, principalId })
        expect(stats).toMatchObject({ total: 4, completed: 2, failed: 1 })
        expect(stats.costUsd).toBeCloseTo(0.875)
        expect(stats.averageDurationMs).toBeCloseTo(200)
        expect(stats.byDay).toEqual([
          { day: today - dayMs, executions: 1, completed: 1, costUsd: 0.25 },
          { day: today, executions: 3, completed: 1, costUsd: 0.625 },
        ])
        expect(stats.byAgent).toEqual([
          { agentId: 'stats-a', executions: 2, completed: 2, costUsd: 0.75 },
          { agentId: 'stats-b', executions: 2, completed: 0, costUsd: 0.125 },
        ])
        expect((await storage.executions.stats({ since: today, principalId })).total).toBe(3)
      })

      it('moves queued → running → terminal, and never changes a terminal execution', async () => {
        const record = execution()
        await storage.executions.create(record)
        expect(await storage.executions.markRunning(record.id, 100)).toBe(true)
        expect(await storage.executions.markRunning(record.id, 200)).toBe(true)
        const running = await storage.executions.get(record.id)
        expect(running).toMatchObject({ status: 'running', startedAt: 100, attempts: 2 })
        expect(await storage.executions.finish(record.id, finished(300))).toBe(true)
        expect(await storage.executions.finish(record.id, { ...finished(400), status: 'failed' })).toBe(false)
        expect(await storage.executions.markRunning(record.id, 500)).toBe(false)
        const done = await storage.executions.get(record.id)
        expect(done).toMatchObject({
          status: 'completed',
          completedAt: 300,
          result: { output: { ok: true } },
        })
        expect(done?.usage?.modelsUsed).toEqual(['mock:echo'])
      })

      it('lets exactly one of concurrent finishes win', async () => {
        const record = execution({ status: 'running' })
        await storage.executions.create(record)
        const outcomes = await Promise.all(
          (['completed', 'failed', 'cancelled', 'timeout'] as const).map((status) =>
            storage.executions.finish(record.id, { ...finished(), status }),
          ),
        )
        expect(outcomes.filter(Boolean)).toHaveLength(1)
      })

      it('cancels a queued execution at once and flags a running one', async () => {
        const queued = execution()
        const running = execution({ status: 'running' })
        const done = execution({ status: 'completed' })
        for (const record of [queued, running, done]) await storage.executions.create(record)
        expect(await storage.executions.requestCancel(queued.id, 10)).toBe('cancelled')
        expect(await storage.executions.get(queued.id)).toMatchObject({
          status: 'cancelled',
          cancelRequestedAt: 10,
        })
        expect(await storage.executions.requestCancel(running.id, 20)).toBe('cancel_requested')
        expect(await storage.executions.get(running.id)).toMatchObject({
          status: 'running',
          cancelRequestedAt: 20,
        })
        expect(await storage.executions.requestCancel(done.id, 30)).toBe('terminal')
        expect(await storage.executions.requestCancel('exec_missing', 40)).toBe('not_found')
      })

      it('lists running executions not touched recently, and touching keeps one off the list', async () => {
        const stale = execution({ status: 'running', createdAt: 1000 })
        const fresh = execution({ status: 'running', createdAt: 1000 })
        const done = execution({ status: 'completed', createdAt: 1000 })
        for (const record of [stale, fresh, done]) await storage.executions.create(record)
        await storage.executions.touch(fresh.id, 5000)
        await storage.executions.touch(done.id, 5000)
        const ids = (await storage.executions.listStale(2000, 1000)).map((record) => record.id)
        expect(ids).toContain(stale.id)
        expect(ids).not.toContain(fresh.id)
        expect(ids).not.toContain(done.id)
      })

      it('numbers steps in order and lists those after a sequence', async () => {
        const record = execution({ status: 'running' })
        await storage.executions.create(record)
        const step = (type: 'llm_call' | 'tool_call' | 'tool_result', data: Record<string, unknown>) => ({
          type,
          data,
          durationMs: 5,
          attempt: 1,
          createdAt: Date.now(),
        })
        const first = await storage.executions.appendSteps(record.id, [
          step('llm_call', { model: 'm' }),
          step('tool_call', { name: 't' }),
        ])
        const second = await storage.executions.appendSteps(record.id, [
          step('tool_result', { output: [1, { a: 'b' }] }),
        ])
        expect([...first, ...second].map((entry) => entry.sequence)).toEqual([1, 2, 3])
        expect((await storage.executions.listSteps(record.id)).map((entry) => entry.type)).toEqual([
          'llm_call',
          'tool_call',
          'tool_result',
        ])
        const after = await storage.executions.listSteps(record.id, 2)
        expect(after).toEqual([
          expect.objectContaining({ sequence: 3, data: { output: [1, { a: 'b' }] }, durationMs: 5 }),
        ])
      })
    })

    describe('sessions', () => {
      const turn = (at: number, ...texts: string[]): ChatMessage[] => [
        { role: 'user', content: texts[0] ?? 'q' },
        { role: 'assistant', content: '', toolCalls: [{ id: `c${at}`, name: 'tool', arguments: { at } }] },
        { role: 'tool', results: [{ callId: `c${at}`, name: 'tool', content: '{"ok":1}', isError: false }] },
        { role: 'assistant', content: texts[1] ?? 'a' },
      ]

      it('creates a session on its first turn and appends the next ones in order', async () => {
        const id = uniqueId('sess')
        await storage.sessions.appendTurn(id, {
          agentId: 'agent-a',
          ownerId: 'user-1',
          messages: turn(1, 'hi', 'hello'),
          at: 1000,
        })
        await storage.sessions.appendTurn(id, {
          agentId: 'agent-a',
          ownerId: 'user-1',
          messages: turn(2, 'again', 'sure'),
          at: 2000,
        })
        const session = await storage.sessions.get(id)
        expect(session).toMatchObject({
          id,
          agentId: 'agent-a',
          ownerId: 'user-1',
          turnCount: 2,
          messageCount: 8,
          createdAt: 1000,
          updatedAt: 2000,
        })
        expect(session?.messages).toEqual([...turn(1, 'hi', 'hello'), ...turn(2, 'again', 'sure')])
        expect(await storage.sessions.get(uniqueId('missing'))).toBeUndefined()
      })

      it('returns recent history starting with a user turn when it is long', async () => {
        const id = uniqueId('sess')
        for (let index = 0; index < 30; index++) {
          await storage.sessions.appendTurn(id, {
            agentId: 'a',
            ownerId: null,
            messages: turn(index, `q${index}`),
            at: 1000 + index,
          })
        }
        const session = await storage.sessions.get(id)
        expect(session?.messageCount).toBe(120)
        expect(session?.messages.length).toBeLessThanOrEqual(100)
        expect(session?.messages[0]?.role).toBe('user')
        expect(session?.messages.at(-1)).toEqual({ role: 'assistant', content: 'a' })
      })

      it('lists by recency with agent, owner and time filters, and deletes', async () => {
        const agentId = uniqueId('agent')
        const ids = [uniqueId('sess'), uniqueId('sess'), uniqueId('sess')]
        await storage.sessions.appendTurn(ids[0] as string, {
          agentId,
          ownerId: 'u1',
          messages: turn(1),
          at: 10,
        })
        await storage.sessions.appendTurn(ids[1] as string, {
          agentId,
          ownerId: 'u2',
          messages: turn(1),
          at: 20,
        })
        await storage.sessions.appendTurn(ids[2] as string, {
          agentId,
          ownerId: 'u1',
          messages: turn(1),
          at: 30,
        })
        expect((await storage.sessions.list({ agentId, limit: 10 })).map((session) => session.id)).toEqual([
          ids[2],
          ids[1],
          ids[0],
        ])
        expect(
          (await storage.sessions.list({ agentId, ownerId: 'u1', limit: 10 })).map((session) => session.id),
        ).toEqual([ids[2], ids[0]])
        expect(
          (await storage.sessions.list({ agentId, limit: 10, before: 30 })).map((session) => session.id),
        ).toEqual([ids[1], ids[0]])
        expect(await storage.sessions.delete(ids[0] as string)).toBe(true)
        expect(await storage.sessions.delete(ids[0] as string)).toBe(false)
        expect(await storage.sessions.get(ids[0] as string)).toBeUndefined()
      })

      it('serializes turns on one session and reports session_busy after the wait', async () => {
        const id = uniqueId('sess')
        const order: string[] = []
        const slow = storage.sessions.withLock(id, 5000, async () => {
          order.push('first:start')
          await new Promise((resolve) => setTimeout(resolve, 300))
          order.push('first:end')
        })
        await new Promise((resolve) => setTimeout(resolve, 50))
        const other = storage.sessionsAgain ?? storage.sessions
        await expect(other.withLock(id, 100, async () => 'never')).rejects.toMatchObject({
          code: 'session_busy',
        })
        const next = other.withLock(id, 5000, async () => {
          order.push('second')
        })
        await Promise.all([slow, next])
        expect(order).toEqual(['first:start', 'first:end', 'second'])
      })
    })
  })
}
