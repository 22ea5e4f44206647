import type { EngineEvent, ExecutionResult, PendingApproval } from '../../core/execution-types.ts'
import { statusOf } from '../../core/execution-types.ts'
import type { Logger } from '../../core/logger.ts'
import type { EventBus } from '../../core/ports/event-bus.ts'
import type {
  ExecutionRecord,
  ExecutionStepRecord,
  ExecutionStore,
} from '../../core/ports/execution-store.ts'
import type { RunJournal } from '../../engine/run-replay.ts'
import { createGatewayMetrics, type GatewayMetrics } from '../telemetry/metrics.ts'
import { activeTraceId } from '../telemetry/spans.ts'

/** Channel with live updates of one execution (wake-ups; the data is in storage). */
export const executionChannel = (id: string) => `execution:${id}`
/** Channel on which cancel requests reach whichever instance runs the execution. */
export const cancelChannel = 'executions:cancel'

/** How often a running execution records that it is alive. */
/** How often a running execution says it is alive, by default (a third of the default lease). */
export const heartbeatMs = 3_000

/** Step payloads are cut to this many characters of JSON, to keep traces small. */
const maxStepDataChars = 2048

export interface BeginRun {
  executionId: string
  /** The record already exists (a queued job being run); otherwise it is created as running. */
  existing: boolean
  agentId: string
  kind: 'invoke' | 'chat'
  message: string
  input: Record<string, unknown>
  options: ExecutionRecord['options']
  sessionId: string | null
  principalId: string | null
  /**
   * Keep a run journal (queued runs, which a worker may retry): earlier attempts' entries are
   * loaded for replay and every step is recorded in full.
   */
  journal?: boolean | undefined
  /** Set for a run another agent delegated to: its place in the workflow tree. */
  lineage?: ExecutionLineage | undefined
}

/** Where an execution sits in a delegation tree. */
export interface ExecutionLineage {
  parentExecutionId: string
  rootExecutionId: string
  /** 1 for a run delegated by the root, 2 below that… */
  depth: number
}

export interface RunTracking {
  /** Aborts when a cancel request for this execution arrives (from any instance). */
  signal: AbortSignal
  /** The run journal, when `BeginRun.journal` asked for one. */
  journal: RunJournal | undefined
  onEvent(event: EngineEvent): void
  /**
   * Records the outcome. With `keepOpen` the execution stays running (a queued job will try
   * again); with `approval` (a run stopped with `awaiting_approval`) it waits for an approver;
   * otherwise it moves to its terminal state — once, whatever happens elsewhere.
   */
  end(result: ExecutionResult, options?: { keepOpen?: boolean; approval?: PendingApproval }): Promise<void>
}

/** Thrown when a job would run an execution that already reached a terminal state. */
export class ExecutionFinishedError extends Error {
  constructor(id: string) {
    super(`execution ${id} has already finished`)
    this.name = 'ExecutionFinishedError'
  }
}

export interface ExecutionTracker {
  begin(run: BeginRun): Promise<RunTracking>
  /** Starts listening for cancel requests from other instances. */
  start(): Promise<void>
  stop(): Promise<void>
}

function clip(value: unknown): unknown {
  const text = JSON.stringify(value ?? null) ?? 'null'
  return text.length <= maxStepDataChars ? value : `${text.slice(0, maxStepDataChars)}…`
}

/** Printed output kept in a step; stderr keeps its end, where a traceback names the failure. */
const maxStepLogChars = 8192

function clipText(text: string, keep: 'start' | 'end'): string {
  if (text.length <= maxStepLogChars) return text
  return keep === 'start' ? `${text.slice(0, maxStepLogChars)}…` : `…${text.slice(-maxStepLogChars)}`
}

function toStep(
  event: EngineEvent,
  attempt: number,
): Omit<ExecutionStepRecord, 'executionId' | 'sequence'> | undefined {
  const createdAt = Date.now()
  switch (event.type) {
    case 'retrieval':
      return {
        type: 'retrieval',
        data: {
          retriever: event.retriever,
          query: event.query.slice(0, maxStepDataChars),
          passages: event.passages,
          ...(event.error ? { error: event.error } : {}),
        },
        durationMs: event.durationMs,
        attempt,
        createdAt,
      }
    case 'llm_call':
      return {
        type: 'llm_call',
        data: {
          model: event.model,
          input_tokens: event.inputTokens,
          output_tokens: event.outputTokens,
          cost_usd: event.costUsd,
          tool_calls: event.toolCalls,
          text: event.text.slice(0, maxStepDataChars),
          ...(event.error ? { error: event.error } : {}),
        },
        durationMs: event.durationMs,
        attempt,
        createdAt,
      }
    case 'tool_call':
      return {
        type: 'tool_call',
        data: { call_id: event.callId, name: event.name, arguments: clip(event.arguments) },
        durationMs: null,
        attempt,
        createdAt,
      }
    case 'replay':
      return {
        type: 'replay',
        data: { model_calls: event.modelCalls, tool_calls: event.toolCalls },
        durationMs: null,
        attempt,
        createdAt,
      }
    case 'tool_result':
      return {
        type: 'tool_result',
        data: {
          call_id: event.callId,
          name: event.name,
          output: clip(event.output),
          is_error: event.isError,
          ...(event.logs?.stdout ? { stdout: clipText(event.logs.stdout, 'start') } : {}),
          ...(event.logs?.stderr ? { stderr: clipText(event.logs.stderr, 'end') } : {}),
        },
        durationMs: event.durationMs,
        attempt,
        createdAt,
      }
    default:
      return undefined
  }
}

export interface CreateExecutionTrackerOptions {
  store: ExecutionStore
  bus: EventBus
  logger: Logger
  /** How often a running execution checks storage for a cancel request the bus may have missed. */
  cancelPollMs?: number
  /** How often a running execution renews its heartbeat. @default heartbeatMs */
  heartbeatMs?: number | undefined
  /** Where executions, model calls and tool calls are counted. @default the global meter's */
  metrics?: GatewayMetrics | undefined
}

/**
 * Records every run (sync or queued) as an execution with its steps, publishes live updates,
 * and turns cancel requests — by bus message or by the stored flag — into an abort.
 */
export function createExecutionTracker(options: CreateExecutionTrackerOptions): ExecutionTracker {
  const { store, bus, logger } = options
  const cancelPollMs = options.cancelPollMs ?? 1000
  const metrics = options.metrics ?? createGatewayMetrics()
  const active = new Map<string, AbortController>()
  let unsubscribe: (() => Promise<void>) | undefined

  const publish = (id: string, message: Record<string, unknown>) => {
    bus
      .publish(executionChannel(id), message)
      .catch((error: unknown) => logger.warn({ err: error }, 'publishing an execution update failed'))
  }

  return {
    async start() {
      unsubscribe ??= await bus.subscribe(cancelChannel, (message) => {
        const id = typeof message.executionId === 'string' ? message.executionId : undefined
        if (id) active.get(id)?.abort(new Error('cancel requested'))
      })
    },
    async stop() {
      await unsubscribe?.()
      unsubscribe = undefined
    },
    async begin(run) {
      const now = Date.now()
      // The attempt steps are labelled with: the store's count of starts, the same on every
      // queue backend (a queue's own count may not move when a worker dies mid-run).
      let attempt = 1
      if (run.existing) {
        if (!(await store.markRunning(run.executionId, now)))
          throw new ExecutionFinishedError(run.executionId)
        attempt = (await store.get(run.executionId))?.attempts ?? 1
      } else {
        await store.create({
          id: run.executionId,
          agentId: run.agentId,
          status: 'running',
          kind: run.kind,
          message: run.message,
          input: run.input,
          options: run.options,
          result: null,
          error: null,
          usage: null,
          sessionId: run.sessionId,
          principalId: run.principalId,
          parentExecutionId: run.lineage?.parentExecutionId ?? null,
          rootExecutionId: run.lineage?.rootExecutionId ?? run.executionId,
          traceId: activeTraceId() ?? null,
          depth: run.lineage?.depth ?? 0,
          attempts: 1,
          createdAt: now,
          startedAt: now,
          completedAt: null,
          cancelRequestedAt: null,
        })
      }
      publish(run.executionId, { type: 'status', status: 'running' })
      const controller = new AbortController()
      active.set(run.executionId, controller)
      const poll = setInterval(() => {
        store
          .get(run.executionId)
          .then((record) => {
            if (record?.cancelRequestedAt) controller.abort(new Error('cancel requested'))
          })
          .catch(() => undefined)
      }, cancelPollMs)
      poll.unref?.()
      // A heartbeat, so the reaper can tell a long run from one whose process died.
      const heartbeat = setInterval(() => {
        store.touch(run.executionId, Date.now()).catch(() => undefined)
      }, options.heartbeatMs ?? heartbeatMs)
      heartbeat.unref?.()

      // Steps are written in order, one batch after the other.
      let writes: Promise<unknown> = Promise.resolve()
      const pending: Omit<ExecutionStepRecord, 'executionId' | 'sequence'>[] = []
      const flush = () => {
        const batch = pending.splice(0)
        if (batch.length === 0) return
        writes = writes
          .then(() => store.appendSteps(run.executionId, batch))
          .then((saved) => publish(run.executionId, { type: 'steps', last: saved.at(-1)?.sequence ?? 0 }))
          .catch((error: unknown) =>
            logger.error({ err: error, executionId: run.executionId }, 'recording steps failed'),
          )
      }

      const journal: RunJournal | undefined = run.journal
        ? {
            recorded: (await store.listJournal(run.executionId)).map((record) => record.entry),
            record: (entry) => store.appendJournal(run.executionId, entry, attempt, Date.now()),
          }
        : undefined

      return {
        signal: controller.signal,
        journal,
        onEvent(event) {
          if (event.type === 'llm_call') {
            metrics.modelCall({
              agentId: run.agentId,
              model: event.model,
              inputTokens: event.inputTokens,
              outputTokens: event.outputTokens,
              costUsd: event.costUsd,
              error: event.error !== undefined,
            })
          } else if (event.type === 'tool_result') {
            metrics.toolCall(run.agentId, event.name, event.isError)
          }
          const step = toStep(event, attempt)
          if (!step) return
          pending.push(step)
          queueMicrotask(flush)
        },
        async end(result, endOptions) {
          clearInterval(poll)
          clearInterval(heartbeat)
          active.delete(run.executionId)
          flush()
          await writes
          if (endOptions?.keepOpen) return
          if (endOptions?.approval) {
            const paused = await store.awaitApproval(
              run.executionId,
              endOptions.approval,
              result.usage,
              Date.now(),
            )
            if (paused) {
              metrics.execution(run.agentId, 'awaiting_approval')
              // Notifications hear of it from the store (`execution.awaiting_approval`).
              const { toolName } = endOptions.approval
              publish(run.executionId, { type: 'status', status: 'awaiting_approval' })
              logger.info({ executionId: run.executionId, tool: toolName }, 'execution awaits approval')
            }
            return
          }
          const finished = await store.finish(run.executionId, {
            status: statusOf(result.stopReason),
            result: {
              output: result.output,
              rawText: result.rawText,
              stopReason: result.stopReason,
              validationErrors: result.validationErrors,
            },
            error: result.error,
            usage: result.usage,
            at: Date.now(),
          })
          if (finished) {
            metrics.execution(run.agentId, statusOf(result.stopReason))
            publish(run.executionId, { type: 'status', status: statusOf(result.stopReason) })
          }
        },
      }
    },
  }
}
