import { describe, expect, it } from 'vitest'
import { createMemoryEventBus } from '../../adapters/bus/memory-event-bus.ts'
import { createMemoryExecutionStore } from '../../adapters/storage/memory-execution-store.ts'
import { emptyUsage, type RunJournalEntry } from '../../core/execution-types.ts'
import { createSilentLogger } from '../../core/logger.ts'
import { type BeginRun, createExecutionTracker } from './create-execution-tracker.ts'

const llmCall = {
  type: 'llm_call' as const,
  model: 'mock:assistant',
  durationMs: 1,
  inputTokens: 1,
  outputTokens: 1,
  costUsd: 0,
  toolCalls: 1,
  text: '',
}

async function setUp() {
  const store = createMemoryExecutionStore()
  const tracker = createExecutionTracker({ store, bus: createMemoryEventBus(), logger: createSilentLogger() })
  const id = 'exec_tracked'
  await store.create({
    id,
    agentId: 'helper',
    status: 'queued',
    kind: 'invoke',
    message: 'hi',
    input: {},
    options: { queued: true },
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
  })
  const run: BeginRun = {
    executionId: id,
    existing: true,
    agentId: 'helper',
    kind: 'invoke',
    message: 'hi',
    input: {},
    options: { queued: true },
    sessionId: null,
    principalId: null,
    journal: true,
  }
  return { store, tracker, run, id }
}

describe('the execution tracker on a retried queued run', () => {
  it("labels each attempt's steps by the store's count of starts, whatever the queue counted", async () => {
    // BullMQ hands a stalled job to the next worker with the same attempt number: the label
    // does not depend on it.
    const { store, tracker, run, id } = await setUp()
    const first = await tracker.begin(run)
    first.onEvent(llmCall)
    // The worker dies here: no end().
    await new Promise((resolve) => setTimeout(resolve, 20))
    const second = await tracker.begin(run)
    second.onEvent({ type: 'replay', modelCalls: 1, toolCalls: 0 })
    second.onEvent(llmCall)
    await second.end({
      output: 'ok',
      rawText: 'ok',
      stopReason: 'completed',
      usage: emptyUsage(),
      error: null,
      validationErrors: null,
      durationMs: 1,
    })
    const steps = await store.listSteps(id)
    expect(steps.map((step) => [step.type, step.attempt])).toEqual([
      ['llm_call', 1],
      ['replay', 2],
      ['llm_call', 2],
    ])
    expect(steps[1]?.data).toEqual({ model_calls: 1, tool_calls: 0 })
    expect((await store.get(id))?.attempts).toBe(2)
  })

  it('hands the next attempt what the earlier ones recorded in the journal', async () => {
    const { store, tracker, run, id } = await setUp()
    const first = await tracker.begin(run)
    expect(first.journal?.recorded).toEqual([])
    const entry: RunJournalEntry = {
      kind: 'tool_result',
      step: 0,
      result: { callId: 'c1', name: 'bump', content: '{"bumped":true}', isError: false },
    }
    await first.journal?.record(entry)
    const second = await tracker.begin(run)
    expect(second.journal?.recorded).toEqual([entry])
    expect((await store.listJournal(id)).map((record) => record.attempt)).toEqual([1])
    const withoutJournal = await tracker.begin({ ...run, journal: false })
    expect(withoutJournal.journal).toBeUndefined()
  })
})
