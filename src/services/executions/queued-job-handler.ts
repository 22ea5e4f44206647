import { matchesOwner } from '../../core/authorization.ts'
import { GatewayError } from '../../core/errors.ts'
import { terminalStatuses } from '../../core/execution-types.ts'
import type { Logger } from '../../core/logger.ts'
import type { EventBus } from '../../core/ports/event-bus.ts'
import type { ExecutionStore } from '../../core/ports/execution-store.ts'
import type { ReceivedJob } from '../../core/ports/job-queue.ts'
import type { AgentRunner } from '../agent-runner.ts'
import type { GatewayMetrics } from '../telemetry/metrics.ts'
import { extractTraceContext, SpanKind, withSpan } from '../telemetry/spans.ts'
import { ExecutionFinishedError, executionChannel } from './create-execution-tracker.ts'
import { fromJobIdentity } from './job-identity.ts'

/** Fails a non-terminal execution (`execution_error` unless told otherwise) and wakes its followers. */
export async function failExecution(
  parts: { store: ExecutionStore; bus: EventBus },
  id: string,
  message: string,
  code: 'execution_error' | 'retries_exhausted' = 'execution_error',
): Promise<boolean> {
  const finished = await parts.store.finish(id, {
    status: 'failed',
    result: null,
    error: { code, message },
    usage: null,
    at: Date.now(),
  })
  if (finished) await parts.bus.publish(executionChannel(id), { type: 'status', status: 'failed' })
  return finished
}

export interface QueuedJobHandlerOptions {
  store: ExecutionStore
  bus: EventBus
  runner: AgentRunner
  logger: Logger
  /** Deliveries before a transient failure is final (the queue decides; kept for callers). */
  maxAttempts: number
  /** A running execution without a heartbeat for this long has lost its worker. */
  staleAfterMs?: number | undefined
  /** Where job durations are measured. */
  metrics?: GatewayMetrics | undefined
}

/**
 * What a queue worker does with one delivery of a queued execution: skip it when finished,
 * honour a cancel request, otherwise run it as the principal who submitted it. Throwing hands
 * the job back to the queue for another attempt.
 */
export function createQueuedJobHandler(
  options: QueuedJobHandlerOptions,
): (job: ReceivedJob, signal: AbortSignal) => Promise<void> {
  const { store, runner, logger } = options
  const isAlive = (record: { updatedAt?: number | undefined }) =>
    Date.now() - (record.updatedAt ?? 0) < (options.staleAfterMs ?? Number.POSITIVE_INFINITY)
  return function handleQueuedJob(job, signal) {
    const carried = job.payload.trace
    const parent =
      typeof carried === 'object' && carried !== null
        ? extractTraceContext(carried as Record<string, string>)
        : undefined
    return withSpan(
      'process execution',
      {
        kind: SpanKind.CONSUMER,
        ...(parent ? { parent } : {}),
        attributes: {
          'messaging.operation.type': 'process',
          'agentgw.job.id': job.id,
          'agentgw.job.attempt': job.attempt,
        },
      },
      async () => {
        const started = performance.now()
        let outcome: 'ok' | 'error' = 'error'
        try {
          await handleJob(job, signal)
          outcome = 'ok'
        } finally {
          options.metrics?.jobDuration((performance.now() - started) / 1000, outcome)
        }
      },
    )
  }
  async function handleJob(job: ReceivedJob, signal: AbortSignal): Promise<void> {
    const id = typeof job.payload.executionId === 'string' ? job.payload.executionId : undefined
    if (!id) return
    const record = await store.get(id)
    if (!record || terminalStatuses.includes(record.status)) return
    // A copy the reconciler scheduled on a queue that may deliver an id twice: someone runs it.
    if (job.payload.redispatched === true && record.status === 'running' && isAlive(record)) return
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
    // The worker acts as whoever queued the job, and only on that submitter's own execution: a
    // job without a well-formed identity, or naming someone else's execution, never runs.
    const viewer = fromJobIdentity(job.payload.submittedBy)
    if (!viewer || !matchesOwner(viewer, record.principalId)) {
      logger.warn({ executionId: id }, 'refused a queued job whose identity is not its submitter')
      await failExecution(options, id, 'The queued job does not carry the identity of its submitter.')
      return
    }
    try {
      const outcome = await runner.invoke(record.agentId, record.message, {
        input: record.input,
        timeoutMs: record.options.timeoutMs,
        outputSchema: record.options.outputSchema ?? undefined,
        instructions: record.options.instructions,
        viewer,
        signal,
        execution: {
          id,
          attempt: job.attempt,
          // Leave it open when the worker is stopping (another worker takes over) or after a
          // transient model failure: the queue retries it with backoff, and after its last
          // attempt dead-letters it, which fails it as `retries_exhausted`.
          keepOpenIf: (result) => signal.aborted || result.error?.retryable === true,
        },
      })
      if (outcome.keptOpen)
        throw new Error(outcome.result.error?.message ?? 'the worker stopped; the job is handed back')
    } catch (error) {
      if (error instanceof ExecutionFinishedError) return
      if (GatewayError.isInstance(error)) {
        // The agent went away or its input no longer validates: retrying cannot help.
        await failExecution(options, id, error.message)
        return
      }
      throw error
    }
  }
}
