import { GatewayError } from '../../core/errors.ts'
import { terminalStatuses } from '../../core/execution-types.ts'
import type { Logger } from '../../core/logger.ts'
import type { EventBus } from '../../core/ports/event-bus.ts'
import type { CancelOutcome, ExecutionRecord, ExecutionStore } from '../../core/ports/execution-store.ts'
import type { JobQueue, ReceivedJob } from '../../core/ports/job-queue.ts'
import { type AgentRunner, newExecutionId, type Principal } from '../agent-runner.ts'
import {
  cancelChannel,
  ExecutionFinishedError,
  executionChannel,
  heartbeatMs,
} from './create-execution-tracker.ts'

export interface SubmitRequest {
  agentId: string
  message: string
  input: Record<string, unknown>
  timeoutMs?: number | undefined
  outputSchema?: Record<string, unknown> | undefined
  principal?: Principal | undefined
}

/** Queued (async) executions: accepting, running on workers, cancelling. */
export interface ExecutionService {
  readonly store: ExecutionStore
  /** Validates, records the execution as queued and enqueues it. */
  submit(request: SubmitRequest): Promise<ExecutionRecord>
  /** Cancels a queued execution at once, or asks the instance running it to stop. */
  cancel(id: string): Promise<CancelOutcome>
  /** Starts consuming queued executions in this process. */
  startWorkers(concurrency: number): Promise<void>
  /** Stops taking jobs and waits up to `drainMs` for running ones (they are handed back, not lost). */
  stop(drainMs: number): Promise<void>
  /**
   * Fails sync executions whose process died mid-run (no heartbeat for `staleAfterMs`). Queued
   * ones are left to their queue, which redelivers them. Safe to run on every instance.
   */
  reapAbandoned(now?: number): Promise<string[]>
}

/** A running execution without a heartbeat for this long is taken for abandoned. */
export const staleAfterMs = 6 * heartbeatMs

export interface CreateExecutionServiceOptions {
  store: ExecutionStore
  queue: JobQueue
  bus: EventBus
  runner: AgentRunner
  maxRetries: number
  logger: Logger
}

export function createExecutionService(options: CreateExecutionServiceOptions): ExecutionService {
  const { store, queue, bus, runner, logger } = options
  const maxAttempts = 1 + options.maxRetries
  let consuming = false

  const reapAbandoned = async (now = Date.now()) => {
    const reaped: string[] = []
    for (const record of await store.listStale(now - staleAfterMs, 100)) {
      if (record.options.queued) continue
      const finished = await store.finish(record.id, {
        status: 'failed',
        result: null,
        error: {
          code: 'execution_error',
          message: 'The process running this execution stopped before it finished.',
        },
        usage: null,
        at: now,
      })
      if (finished) {
        reaped.push(record.id)
        await bus
          .publish(executionChannel(record.id), { type: 'status', status: 'failed' })
          .catch(() => undefined)
      }
    }
    if (reaped.length > 0) logger.warn({ executions: reaped }, 'marked abandoned executions as failed')
    return reaped
  }
  // Every instance sweeps now and then; finishing is conditional, so overlapping sweeps agree.
  const reaper = setInterval(() => {
    reapAbandoned().catch((error: unknown) =>
      logger.warn({ err: error }, 'sweeping abandoned executions failed'),
    )
  }, 60_000)
  reaper.unref?.()

  const handle = async (job: ReceivedJob, signal: AbortSignal) => {
    const id = typeof job.payload.executionId === 'string' ? job.payload.executionId : undefined
    if (!id) return
    const record = await store.get(id)
    if (!record || terminalStatuses.includes(record.status)) return
    if (record.cancelRequestedAt) {
      await store.finish(id, {
        status: 'cancelled',
        result: null,
        error: { code: 'cancelled', message: 'The execution was cancelled.' },
        usage: null,
        at: Date.now(),
      })
      return
    }
    try {
      const outcome = await runner.invoke(record.agentId, record.message, {
        input: record.input,
        timeoutMs: record.options.timeoutMs,
        outputSchema: record.options.outputSchema ?? undefined,
        principal: record.principalId ? { id: record.principalId, kind: 'custom', scopes: [] } : undefined,
        signal,
        execution: {
          id,
          attempt: job.attempt,
          // Leave it open when the worker is stopping (another worker takes over) or when a
          // transient model failure has attempts left (the queue retries with backoff).
          keepOpenIf: (result) =>
            signal.aborted || (result.error?.retryable === true && job.attempt < maxAttempts),
        },
      })
      if (outcome.keptOpen)
        throw new Error(outcome.result.error?.message ?? 'the worker stopped; the job is handed back')
    } catch (error) {
      if (error instanceof ExecutionFinishedError) return
      if (GatewayError.isInstance(error)) {
        // The agent went away or its input no longer validates: retrying cannot help.
        await store.finish(id, {
          status: 'failed',
          result: null,
          error: { code: 'execution_error', message: error.message },
          usage: null,
          at: Date.now(),
        })
        return
      }
      throw error
    }
  }

  return {
    store,
    async submit(request) {
      await runner.prepare(request.agentId, request.input)
      const id = newExecutionId()
      const now = Date.now()
      const record: ExecutionRecord = {
        id,
        agentId: request.agentId,
        status: 'queued',
        kind: 'invoke',
        message: request.message,
        input: request.input,
        options: { timeoutMs: request.timeoutMs, outputSchema: request.outputSchema ?? null, queued: true },
        result: null,
        error: null,
        usage: null,
        sessionId: null,
        principalId: request.principal?.id ?? null,
        parentExecutionId: null,
        rootExecutionId: id,
        depth: 0,
        attempts: 0,
        createdAt: now,
        startedAt: null,
        completedAt: null,
        cancelRequestedAt: null,
      }
      await store.create(record)
      try {
        await queue.enqueue({ id, payload: { executionId: id } })
      } catch (error) {
        logger.error({ err: error, executionId: id }, 'enqueueing failed')
        await store.finish(id, {
          status: 'failed',
          result: null,
          error: { code: 'execution_error', message: 'The execution could not be queued.' },
          usage: null,
          at: Date.now(),
        })
        throw new GatewayError('gateway_unavailable', {
          message: 'The job queue is unavailable; try again.',
          executionId: id,
        })
      }
      return record
    },

    async cancel(id) {
      const outcome = await store.requestCancel(id, Date.now())
      if (outcome === 'cancel_requested') await bus.publish(cancelChannel, { executionId: id })
      if (outcome === 'cancelled')
        await bus.publish(executionChannel(id), { type: 'status', status: 'cancelled' })
      return outcome
    },

    async startWorkers(concurrency) {
      if (consuming) return
      consuming = true
      await queue.consume({
        concurrency,
        handler: (job, context) => handle(job, context.signal),
        onDeadLetter: async (job, reason) => {
          const id = typeof job.payload.executionId === 'string' ? job.payload.executionId : undefined
          if (!id) return
          const finished = await store.finish(id, {
            status: 'failed',
            result: null,
            error: { code: 'execution_error', message: `Gave up after ${job.attempt} attempt(s): ${reason}` },
            usage: null,
            at: Date.now(),
          })
          if (finished) await bus.publish(executionChannel(id), { type: 'status', status: 'failed' })
          logger.warn({ executionId: id, attempts: job.attempt, reason }, 'execution dead-lettered')
        },
      })
    },

    async stop(drainMs) {
      clearInterval(reaper)
      if (!consuming) return
      consuming = false
      await queue.stop(drainMs)
    },

    reapAbandoned,
  }
}
