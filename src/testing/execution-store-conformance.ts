import assert from 'node:assert/strict'
import type {
  ExecutionFilter,
  ExecutionRecord,
  ExecutionStore,
  FinishUpdate,
  StepType,
} from '../core/ports/execution-store.ts'
import { assertLike, assertRejectsWithCode } from './assert-like.ts'
import { defineStoreSuite, type StoreFixture, type StoreSuiteOptions } from './store-suite.ts'
import type { TestFunctions } from './test-functions.ts'
import { uniqueId } from './unique-id.ts'

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

const finished = (at = Date.now()): FinishUpdate => ({
  status: 'completed',
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

const step = (type: StepType, data: Record<string, unknown>) => ({
  type,
  data,
  durationMs: 5,
  attempt: 1,
  createdAt: Date.now(),
})

/**
 * Registers the `ExecutionStore` conformance tests: every execution store — shipped or your own —
 * must pass them.
 *
 * Covered: a record round-trips with its JSON fields, `updatedAt` set from `createdAt`; a
 * duplicate id rejects and keeps the first; listing newest first with every filter and stable
 * cursor paging, an invalid cursor rejecting with `bad_request`; stats by day and agent, and for
 * nothing; queued → running → terminal with attempts counted, a terminal execution never
 * changing; exactly one of concurrent finishes on two handles winning; cancelling queued,
 * running, finished and unknown executions, and a cancelled one never starting; stale running
 * executions, oldest first and limited; steps numbered in order; pruning old finished executions
 * with their steps and journal in batches, per status, never a queued or running one; records
 * read are copies.
 *
 * @example
 * ```ts
 * defineExecutionStoreConformance({ describe, it, beforeAll, afterAll }, 'my store', openFixture)
 * ```
 */
export function defineExecutionStoreConformance(
  test: TestFunctions,
  name: string,
  factory: () => Promise<StoreFixture<ExecutionStore>>,
  options?: StoreSuiteOptions,
): void {
  defineStoreSuite(
    test,
    `ExecutionStore conformance: ${name}`,
    factory,
    (fixture, it) => {
      const ids = async (filter: Omit<ExecutionFilter, 'limit'> & { limit?: number }) =>
        (await fixture.store().list({ limit: 10, ...filter })).items.map((item) => item.id)

      it('round-trips a record with its JSON fields, taking updatedAt from createdAt', async () => {
        const store = fixture.store()
        const record = execution({ principalId: 'key:ci', sessionId: 'sess_1', updatedAt: 5 })
        await store.create(record)
        assert.deepEqual(await store.get(record.id), { ...record, updatedAt: record.createdAt })
        assert.deepEqual(await (await fixture.another()).get(record.id), {
          ...record,
          updatedAt: record.createdAt,
        })
        assert.equal(await store.get(uniqueId('exec_missing')), undefined)
      })

      it('round-trips the trace id, and reads an absent one back as absent', async () => {
        const store = fixture.store()
        const traced = execution({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736' })
        await store.create(traced)
        assert.equal((await (await fixture.another()).get(traced.id))?.traceId, traced.traceId)
        const untraced = execution({ traceId: null })
        await store.create(untraced)
        assert.equal((await store.get(untraced.id))?.traceId ?? null, null)
      })

      it('rejects a duplicate id and keeps the first record', async () => {
        const store = fixture.store()
        const record = execution()
        await store.create(record)
        await assert.rejects(store.create({ ...record, message: 'second', status: 'running' }))
        assertLike(await store.get(record.id), { message: 'hello', status: 'queued' })
      })

      it('lists newest first with filters and cursor paging', async () => {
        const store = fixture.store()
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
        for (const record of records) await store.create(record)
        const first = await store.list({ agentId, limit: 2 })
        assert.deepEqual(
          first.items.map((item) => item.id),
          [records[4]?.id, records[3]?.id],
        )
        assert.notEqual(first.nextCursor, null)
        // A newer execution arriving between pages does not shift the next page.
        await store.create(execution({ agentId, createdAt: base + 10 }))
        const second = await store.list({ agentId, limit: 2, cursor: first.nextCursor ?? undefined })
        assert.deepEqual(
          second.items.map((item) => item.id),
          [records[2]?.id, records[1]?.id],
        )
        const third = await store.list({ agentId, limit: 2, cursor: second.nextCursor ?? undefined })
        assert.deepEqual(
          third.items.map((item) => item.id),
          [records[0]?.id],
        )
        assert.equal(third.nextCursor, null)
        assert.equal((await ids({ agentId, status: 'running' })).length, 2)
        assert.deepEqual(await ids({ agentId, principalId: 'p1' }), [records[4]?.id])
        assert.equal((await ids({ agentId, principalId: null })).length, 5)
      })

      it('filters by session and by root execution', async () => {
        const store = fixture.store()
        const sessionId = uniqueId('sess')
        const root = execution({ sessionId })
        const child = execution({ parentExecutionId: root.id, rootExecutionId: root.id, depth: 1 })
        const other = execution({ sessionId: uniqueId('sess') })
        for (const record of [root, child, other]) await store.create(record)
        assert.deepEqual(await ids({ sessionId }), [root.id])
        assert.deepEqual((await ids({ rootExecutionId: root.id })).sort(), [root.id, child.id].sort())
      })

      it('rejects a cursor it did not issue with bad_request', async () => {
        await assertRejectsWithCode(fixture.store().list({ limit: 5, cursor: 'not-a-cursor' }), 'bad_request')
      })

      it('filters by creation time and by the cost of finished executions', async () => {
        const store = fixture.store()
        const agentId = uniqueId('agent')
        const base = Date.now()
        const records = [0, 1, 2].map((index) => execution({ agentId, createdAt: base + index * 1000 }))
        for (const record of records) await store.create(record)
        for (const [index, costUsd] of [0.001, 0.5].entries()) {
          const update = finished(base + 5000)
          await store.finish(records[index]?.id as string, {
            ...update,
            usage: update.usage ? { ...update.usage, costUsd } : null,
          })
        }
        assert.deepEqual(await ids({ agentId, minCostUsd: 0.01 }), [records[1]?.id])
        assert.deepEqual(await ids({ agentId, maxCostUsd: 0.01 }), [records[0]?.id])
        assert.deepEqual(await ids({ agentId, createdFrom: base + 1000 }), [records[2]?.id, records[1]?.id])
        assert.deepEqual(await ids({ agentId, createdBefore: base + 1000 }), [records[0]?.id])
      })

      it('aggregates executions, cost and duration by day and by agent', async () => {
        const store = fixture.store()
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
          await store.create(record)
          await store.markRunning(record.id, entry.day + 2000)
          if (entry.status === 'running') continue
          const update = finished(entry.day + 2000 + 100 * (index + 1))
          await store.finish(record.id, {
            ...update,
            status: entry.status,
            usage: update.usage ? { ...update.usage, costUsd: entry.costUsd } : null,
          })
        }
        await store.create(execution({ agentId: 'stats-a', principalId: uniqueId('other') }))
        const stats = await store.stats({ since: today - 2 * dayMs, principalId })
        assertLike(stats, { total: 4, completed: 2, failed: 1 })
        assert.ok(Math.abs(stats.costUsd - 0.875) < 1e-9, `costUsd ${stats.costUsd}`)
        assert.ok(
          Math.abs((stats.averageDurationMs ?? 0) - 200) < 1e-6,
          `averageDurationMs ${stats.averageDurationMs}`,
        )
        assert.deepEqual(stats.byDay, [
          { day: today - dayMs, executions: 1, completed: 1, costUsd: 0.25 },
          { day: today, executions: 3, completed: 1, costUsd: 0.625 },
        ])
        assert.deepEqual(stats.byAgent, [
          { agentId: 'stats-a', executions: 2, completed: 2, costUsd: 0.75 },
          { agentId: 'stats-b', executions: 2, completed: 0, costUsd: 0.125 },
        ])
        assert.equal((await store.stats({ since: today, principalId })).total, 3)
      })

      it('reports empty stats when nothing matches', async () => {
        assert.deepEqual(await fixture.store().stats({ since: 0, principalId: uniqueId('nobody') }), {
          total: 0,
          completed: 0,
          failed: 0,
          costUsd: 0,
          averageDurationMs: null,
          byDay: [],
          byAgent: [],
        })
      })

      it('moves queued → running → terminal, counting attempts, and never changes a terminal execution', async () => {
        const store = fixture.store()
        const record = execution()
        await store.create(record)
        assert.equal(await store.markRunning(record.id, 100), true)
        assert.equal(await store.markRunning(record.id, 200), true)
        assertLike(await store.get(record.id), {
          status: 'running',
          startedAt: 100,
          attempts: 2,
          updatedAt: 200,
        })
        assert.equal(await store.finish(record.id, finished(300)), true)
        assert.equal(await store.finish(record.id, { ...finished(400), status: 'failed' }), false)
        assert.equal(await store.markRunning(record.id, 500), false)
        assert.equal(await store.requestCancel(record.id, 600), 'terminal')
        const done = await store.get(record.id)
        assertLike(done, {
          status: 'completed',
          completedAt: 300,
          attempts: 2,
          result: { output: { ok: true } },
        })
        assert.deepEqual(done?.usage?.modelsUsed, ['mock:echo'])
        assert.equal(await store.markRunning(uniqueId('exec_missing'), 1), false)
        assert.equal(await store.finish(uniqueId('exec_missing'), finished()), false)
      })

      it('lets exactly one of concurrent finishes on two handles win', async () => {
        const store = fixture.store()
        const other = await fixture.another()
        const record = execution({ status: 'running' })
        await store.create(record)
        const statuses = ['completed', 'failed', 'cancelled', 'timeout', 'completed', 'failed'] as const
        const outcomes = await Promise.all(
          statuses.map((status, index) =>
            (index % 2 === 0 ? store : other).finish(record.id, { ...finished(), status }),
          ),
        )
        assert.equal(outcomes.filter(Boolean).length, 1)
        const winner = statuses[outcomes.indexOf(true)]
        assert.equal((await other.get(record.id))?.status, winner)
      })

      it('cancels a queued execution at once, flags a running one, and a cancelled one never starts', async () => {
        const store = fixture.store()
        const queued = execution()
        const running = execution({ status: 'running' })
        const done = execution({ status: 'completed' })
        for (const record of [queued, running, done]) await store.create(record)
        assert.equal(await store.requestCancel(queued.id, 10), 'cancelled')
        assertLike(await store.get(queued.id), {
          status: 'cancelled',
          cancelRequestedAt: 10,
          completedAt: 10,
          error: { code: 'cancelled' },
        })
        assert.equal(await store.markRunning(queued.id, 11), false)
        assert.equal(await store.requestCancel(running.id, 20), 'cancel_requested')
        assertLike(await store.get(running.id), { status: 'running', cancelRequestedAt: 20 })
        assert.equal(await store.finish(running.id, { ...finished(30), status: 'cancelled' }), true)
        assert.equal(await store.requestCancel(done.id, 30), 'terminal')
        assert.equal(await store.requestCancel(uniqueId('exec_missing'), 40), 'not_found')
      })

      it('lists running executions not touched recently, oldest first and limited; touching keeps one off', async () => {
        const store = fixture.store()
        // Before anything else the suite stores, so these are the oldest stale executions.
        const stale = [3, 1, 2].map((at) => execution({ status: 'running', createdAt: at }))
        const fresh = execution({ status: 'running', createdAt: 1 })
        const done = execution({ status: 'completed', createdAt: 1 })
        for (const record of [...stale, fresh, done]) await store.create(record)
        await store.touch(fresh.id, 5000)
        await store.touch(done.id, 5000)
        const listed = (await store.listStale(2000, 1000)).map((record) => record.id)
        assert.ok(stale.every((record) => listed.includes(record.id)))
        assert.ok(!listed.includes(fresh.id) && !listed.includes(done.id))
        assert.deepEqual(
          (await store.listStale(2000, 2)).map((record) => record.id),
          [stale[1]?.id, stale[2]?.id],
        )
      })

      it('numbers steps in order after the existing ones and lists those after a sequence', async () => {
        const store = fixture.store()
        const record = execution({ status: 'running' })
        await store.create(record)
        const first = await store.appendSteps(record.id, [
          step('llm_call', { model: 'm' }),
          step('tool_call', { name: 't' }),
        ])
        const second = await store.appendSteps(record.id, [step('tool_result', { output: [1, { a: 'b' }] })])
        assert.deepEqual(await store.appendSteps(record.id, []), [])
        assert.deepEqual(
          [...first, ...second].map((entry) => [entry.executionId, entry.sequence]),
          [
            [record.id, 1],
            [record.id, 2],
            [record.id, 3],
          ],
        )
        const other = await fixture.another()
        assert.deepEqual(
          (await other.listSteps(record.id)).map((entry) => entry.type),
          ['llm_call', 'tool_call', 'tool_result'],
        )
        const after = await store.listSteps(record.id, 2)
        assert.equal(after.length, 1)
        assertLike(after[0], {
          sequence: 3,
          type: 'tool_result',
          data: { output: [1, { a: 'b' }] },
          durationMs: 5,
          attempt: 1,
        })
        assert.deepEqual(await store.listSteps(uniqueId('exec_missing')), [])
      })

      it('pauses a running execution for approval and resumes it exactly once', async () => {
        const store = fixture.store()
        const record = execution({ status: 'running', attempts: 1 })
        await store.create(record)
        const pending = {
          step: 0,
          callId: 'c1',
          toolName: 'pay',
          arguments: { amount: 3 },
          requestedAt: 1000,
          expiresAt: 2000,
          resumeAs: { kind: 'system' },
        }
        const usage = finished().usage as NonNullable<FinishUpdate['usage']>
        assert.equal(await store.awaitApproval(record.id, pending, usage, 1000), true)
        assert.equal(await store.awaitApproval(record.id, pending, usage, 1001), false)
        const other = await fixture.another()
        assertLike(await other.get(record.id), {
          status: 'awaiting_approval',
          pendingApproval: pending,
          usage,
        })
        const both = await Promise.all([
          store.resumeFromApproval(record.id, 1002),
          other.resumeFromApproval(record.id, 1002),
        ])
        assert.deepEqual(both.filter(Boolean), [true])
        const resumed = await store.get(record.id)
        assert.equal(resumed?.status, 'queued')
        assert.equal(resumed?.pendingApproval ?? null, null)
        assert.equal(await store.resumeFromApproval(record.id, 1003), false)

        const cancelled = execution({ status: 'running' })
        await store.create(cancelled)
        await store.awaitApproval(cancelled.id, pending, usage, 1000)
        assert.equal(await store.requestCancel(cancelled.id, 1001), 'cancelled')
        assert.equal(await store.resumeFromApproval(cancelled.id, 1002), false)
        assert.equal(await store.awaitApproval(uniqueId('exec_missing'), pending, usage, 1000), false)
      })

      it('keeps the run journal in full and in order, apart from the steps', async () => {
        const store = fixture.store()
        const record = execution({ status: 'running' })
        await store.create(record)
        const longText = 'x'.repeat(10_000)
        await store.appendJournal(
          record.id,
          {
            kind: 'model_call',
            step: 0,
            call: {
              text: longText,
              toolCalls: [{ id: 'c1', name: 'bump', input: '{"note":"é"}' }],
              inputTokens: 3,
              outputTokens: 4,
              model: 'mock:assistant',
              costUsd: 0.5,
            },
          },
          1,
          1000,
        )
        await store.appendJournal(
          record.id,
          { kind: 'tool_started', step: 0, callId: 'c1', name: 'bump' },
          1,
          1001,
        )
        await store.appendJournal(
          record.id,
          {
            kind: 'tool_result',
            step: 0,
            result: { callId: 'c1', name: 'bump', content: '{}', isError: false },
          },
          2,
          1002,
        )
        const other = await fixture.another()
        const journal = await other.listJournal(record.id)
        assert.deepEqual(
          journal.map((entry) => [entry.sequence, entry.attempt, entry.entry.kind, entry.createdAt]),
          [
            [1, 1, 'model_call', 1000],
            [2, 1, 'tool_started', 1001],
            [3, 2, 'tool_result', 1002],
          ],
        )
        const first = journal[0]?.entry
        assert.ok(first?.kind === 'model_call')
        assert.equal(first.call.text, longText)
        assert.deepEqual(first.call.toolCalls, [{ id: 'c1', name: 'bump', input: '{"note":"é"}' }])
        assert.deepEqual(await store.listSteps(record.id), [])
        assert.deepEqual(await store.listJournal(uniqueId('exec_missing')), [])
      })

      it('pruneFinished deletes old terminal executions with their steps and journal, in batches', async () => {
        const store = fixture.store()
        // Far in the past, so executions of other tests are newer than every cutoff used here.
        const base = 1_000_000
        const make = async (status: 'completed' | 'failed' | 'running' | 'queued', completedAt: number) => {
          const record = execution({ status: status === 'queued' ? 'queued' : 'running', createdAt: base })
          await store.create(record)
          if (status === 'completed' || status === 'failed')
            assert.equal(await store.finish(record.id, { ...finished(completedAt), status }), true)
          return record.id
        }
        const old = [
          await make('completed', base + 10),
          await make('completed', base + 20),
          await make('completed', base + 30),
        ]
        await store.appendSteps(old[0] as string, [step('llm_call', { n: 1 })])
        await store.appendJournal(
          old[0] as string,
          { kind: 'tool_started', step: 1, callId: 'c1', name: 'bump' },
          1,
          base + 5,
        )
        const failed = await make('failed', base + 10)
        const recent = await make('completed', base + 500)
        const running = await make('running', 0)
        const queued = await make('queued', 0)
        const everyStatus = ['completed', 'failed', 'cancelled', 'timeout', 'running', 'queued'] as const

        // Failed runs have their own, shorter cutoff here: the failed one is kept.
        assert.equal(
          await store.pruneFinished({ statuses: ['failed'], completedBefore: base + 5, limit: 10 }),
          0,
        )
        assert.equal(
          await store.pruneFinished({ statuses: ['completed'], completedBefore: base + 100, limit: 2 }),
          2,
        )
        let rounds = 0
        while (
          (await store.pruneFinished({ statuses: ['completed'], completedBefore: base + 100, limit: 2 })) ===
          2
        )
          assert.ok(++rounds < 1000)
        for (const id of old) assert.equal(await store.get(id), undefined)
        assert.deepEqual(await store.listSteps(old[0] as string), [])
        assert.deepEqual(await store.listJournal(old[0] as string), [])
        assertLike(await store.get(failed), { status: 'failed' })
        assertLike(await store.get(recent), { status: 'completed' })

        // Non-terminal executions survive whatever the rule names.
        while (
          (await store.pruneFinished({
            statuses: [...everyStatus],
            completedBefore: base + 100,
            limit: 50,
          })) === 50
        )
          assert.ok(++rounds < 1000)
        assert.equal(await store.get(failed), undefined)
        assertLike(await store.get(recent), { status: 'completed' })
        assertLike(await store.get(running), { status: 'running' })
        assertLike(await store.get(queued), { status: 'queued' })
        assert.equal(
          await store.pruneFinished({
            statuses: ['running', 'queued'],
            completedBefore: Number.MAX_SAFE_INTEGER,
            limit: 50,
          }),
          0,
        )
        assertLike(await store.get(running), { status: 'running' })
      })

      it('hands out copies: changing a read record does not change the store', async () => {
        const store = fixture.store()
        const record = execution()
        await store.create(record)
        const read = await store.get(record.id)
        assert.ok(read)
        read.status = 'completed'
        read.input.city = 'Lisbon'
        const [listed] = (await store.list({ limit: 1, rootExecutionId: record.id })).items
        assert.ok(listed)
        listed.message = 'changed'
        assert.deepEqual(await store.get(record.id), { ...record, updatedAt: record.createdAt })
      })
    },
    options,
  )
}
