import { listScope, ownerIdOf, type Viewer } from '../../core/authorization.ts'
import { GatewayError } from '../../core/errors.ts'
import type { Logger } from '../../core/logger.ts'
import type { EventBus } from '../../core/ports/event-bus.ts'
import type {
  CancelOutcome,
  ExecutionFilter,
  ExecutionRecord,
  ExecutionStats,
  ExecutionStatsFilter,
  ExecutionStepRecord,
  ExecutionStore,
} from '../../core/ports/execution-store.ts'
import type { JobQueue, ReceivedJob } from '../../core/ports/job-queue.ts'
import type { LeaseStore } from '../../core/ports/lease-store.ts'
import { type AgentRunner, newExecutionId } from '../agent-runner.ts'
import { requireAccess } from '../require-access.ts'
import { createGatewayMetrics, type GatewayMetrics } from '../telemetry/metrics.ts'
import { activeTraceId, injectTraceContext, SpanKind, withSpan } from '../telemetry/spans.ts'
import { buildWorkflowTree, type Workflow } from './build-workflow-tree.ts'
import { cancelChannel, executionChannel } from './create-execution-tracker.ts'
import { toJobIdentity } from './job-identity.ts'
import { createQueueReconciler, jobOf } from './queue-reconciler.ts'
import { createQueuedJobHandler, failExecution } from './queued-job-handler.ts'

export interface SubmitRequest {
  agentId: string
  message: string
  input: Record<string, unknown>
  timeoutMs?: number | undefined
  outputSchema?: Record<string, unknown> | undefined
  /** Who submits it: the owner of the execution, and the identity its worker runs as. */
  viewer: Viewer
  /** The id to give the execution (a schedule records it before submitting); new by default. */
  executionId?: string | undefined
  /** The schedule behind the run, recorded in the execution's options. */
  origin?: ExecutionOrigin | undefined
}

/** A schedule's firing or manual trigger, as recorded on the execution it starts. */
export interface ExecutionOrigin {
  trigger: 'schedule' | 'manual'
  scheduleId: string
  scheduleName: string
  notify: Record<string, unknown> | null
  instructions: string | null
}

/** An execution with the steps recorded after a sequence number. */
export interface ExecutionProgress {
  record: ExecutionRecord
  steps: ExecutionStepRecord[]
}

/**
 * Executions as a viewer may see them, and queued (async) executions: accepting, running on
 * workers, cancelling. Routes and dashboard pages use only the viewer-taking methods; what a
 * viewer may see or change is decided by `core/authorization.ts`.
 */
export interface ExecutionService {
  /** The store itself, for other services and tests; never for routes or pages. */
  readonly store: ExecutionStore
  /** The execution; `execution_not_found` when it does not exist or the viewer may not see it. */
  getVisible(id: string, viewer: Viewer): Promise<ExecutionRecord>
  /**
   * The execution and its steps after `afterSequence`, when the viewer may see it. The status is
   * read before the steps, so a terminal status guarantees that every step is in `steps`.
   */
  readProgress(id: string, viewer: Viewer, afterSequence?: number): Promise<ExecutionProgress>
  /** A page of the executions the viewer may see, newest first. */
  listVisible(
    filter: Omit<ExecutionFilter, 'principalId'>,
    viewer: Viewer,
  ): Promise<{ items: ExecutionRecord[]; nextCursor: string | null }>
  /**
   * The delegation tree the execution belongs to, from its root, with the total usage: the
   * executions of it the viewer may see (`execution_not_found` when it may not see this one).
   */
  workflowVisible(id: string, viewer: Viewer): Promise<Workflow>
  /** Aggregates over the executions the viewer may see. */
  statsVisible(filter: Omit<ExecutionStatsFilter, 'principalId'>, viewer: Viewer): Promise<ExecutionStats>
  /** Agents with a queued or running execution, whoever started it (no execution is shown). */
  busyAgentIds(): Promise<Set<string>>
  /** Validates, records the execution as queued and enqueues it. */
  submit(request: SubmitRequest): Promise<ExecutionRecord>
  /**
   * Cancels a queued execution at once, or asks the instance running it to stop, when the viewer
   * may change it (`execution_not_found` or `forbidden` otherwise).
   */
  cancel(id: string, viewer: Viewer): Promise<Exclude<CancelOutcome, 'not_found'>>
  /**
   * Queues a new execution with the same agent, message, input and options as a failed, timed
   * out or cancelled invoke execution (e.g. one whose retries were exhausted), when the viewer
   * may change it; `invalid_state` for one that completed, still runs, or was a chat turn.
   */
  retry(id: string, viewer: Viewer): Promise<ExecutionRecord>
  /** Starts consuming queued executions in this process. */
  startWorkers(concurrency: number): Promise<void>
  /** Stops taking jobs and waits up to `drainMs` for running ones (they are handed back, not lost). */
  stop(drainMs: number): Promise<void>
  /**
   * Fails sync executions whose process died mid-run (no heartbeat for `staleAfterMs`). Queued
   * ones are left to their queue, which redelivers them. Safe to run on every instance.
   */
  reapAbandoned(now?: number): Promise<string[]>
  /**
   * Schedules again queued executions whose job the queue lost (see `queue-reconciler.ts`),
   * when this instance holds the reconciler lease. Runs on a timer; exposed for tests.
   */
  reconcileQueue(now?: number): Promise<string[]>
}

const emptyStats = (): ExecutionStats => ({
  total: 0,
  completed: 0,
  failed: 0,
  costUsd: 0,
  averageDurationMs: null,
  byDay: [],
  byAgent: [],
})

/** A running execution without a heartbeat for this long is taken for abandoned, by default. */
export const defaultStaleAfterMs = 10_000

export interface CreateExecutionServiceOptions {
  store: ExecutionStore
  queue: JobQueue
  bus: EventBus
  runner: AgentRunner
  maxRetries: number
  logger: Logger
  /** Removes configured secrets from failure reasons before they are stored. */
  redact: (text: string) => string
  /** Leases, so one instance at a time reconciles the queue; every instance does without. */
  leases?: LeaseStore | undefined
  /** This instance's name as a lease holder. */
  instanceId?: string | undefined
  /** How often and after how long queued executions whose job was lost are scheduled again. */
  reconcile?: { intervalMs: number; graceMs: number } | undefined
  /**
   * A running execution without a heartbeat for this long has lost its process (the lease,
   * `persistence.lease_seconds`); the sweep runs every half of it. @default 10000
   */
  staleAfterMs?: number | undefined
  /**
   * Other kinds of work sharing the queue, by the `kind` in a job's payload (a job without one
   * is a queued execution). The queue port stays the same; each kind brings its handler.
   */
  otherJobs?: Record<string, OtherJobHandler> | undefined
  /** Where job durations and the queue depth are reported. @default the global meter's */
  metrics?: GatewayMetrics | undefined
  /** The queue backend's name, as the queue depth's attribute. */
  queueBackend?: string | undefined
}

/** Handles jobs of one `kind` on the gateway's queue. */
export interface OtherJobHandler {
  handle(job: ReceivedJob, signal: AbortSignal): Promise<void>
  /** The job failed its last allowed attempt. */
  deadLettered(job: ReceivedJob, reason: string): Promise<void>
}

export function createExecutionService(options: CreateExecutionServiceOptions): ExecutionService {
  const { store, queue, bus, runner, logger } = options
  const { redact } = options
  const maxAttempts = 1 + options.maxRetries
  const staleAfterMs = options.staleAfterMs ?? defaultStaleAfterMs
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
  const reaper = setInterval(
    () => {
      reapAbandoned().catch((error: unknown) =>
        logger.warn({ err: error }, 'sweeping abandoned executions failed'),
      )
    },
    Math.max(500, staleAfterMs / 2),
  )
  reaper.unref?.()

  const notFound = (id: string) => () =>
    new GatewayError('execution_not_found', { message: `Execution "${id}" not found.` })

  const access = async (id: string, viewer: Viewer, kind: 'read' | 'change') =>
    requireAccess(await store.get(id), {
      viewer,
      access: kind,
      ownerId: (record) => record.principalId,
      notFound: notFound(id),
      forbiddenMessage: `You may read execution "${id}" but not cancel it.`,
    })

  const metrics = options.metrics ?? createGatewayMetrics()
  const handle = createQueuedJobHandler({ store, bus, runner, logger, maxAttempts, staleAfterMs, metrics })
  const stopQueueDepth = metrics.observeQueueDepth(() => queue.size(), options.queueBackend ?? 'unknown')
  const reconciler = createQueueReconciler({
    store,
    queue,
    leases: options.leases,
    instanceId: options.instanceId ?? newExecutionId(),
    logger,
    intervalMs: options.reconcile?.intervalMs ?? 10_000,
    graceMs: options.reconcile?.graceMs ?? 30_000,
    staleAfterMs,
  })
  reconciler.start()
  /** The handler of a job's `kind`; `undefined` for an execution, `null` for an unknown kind. */
  const otherJob = (job: ReceivedJob): OtherJobHandler | undefined | null => {
    const kind = job.payload.kind
    if (kind === undefined) return undefined
    const other = typeof kind === 'string' ? options.otherJobs?.[kind] : undefined
    if (!other) logger.warn({ jobId: job.id, kind }, 'dropped a queue job of an unknown kind')
    return other ?? null
  }

  return {
    store,

    getVisible: (id, viewer) => access(id, viewer, 'read'),

    async readProgress(id, viewer, afterSequence = 0) {
      const record = await access(id, viewer, 'read')
      return { record, steps: await store.listSteps(id, afterSequence) }
    },

    async listVisible(filter, viewer) {
      const scope = listScope(viewer)
      if (scope.kind === 'nothing') return { items: [], nextCursor: null }
      return store.list({ ...filter, principalId: scope.kind === 'owner' ? scope.ownerId : undefined })
    },

    async workflowVisible(id, viewer) {
      const record = await access(id, viewer, 'read')
      const rootId = record.rootExecutionId
      const scope = listScope(viewer)
      const principalId = scope.kind === 'owner' ? scope.ownerId : undefined
      const records: ExecutionRecord[] = []
      let cursor: string | undefined
      // A tree is bounded by the delegation depth and the tool-call limits; pages of 500 are plenty.
      for (let page = 0; page < 20; page++) {
        const listed = await store.list({ rootExecutionId: rootId, principalId, limit: 500, cursor })
        records.push(...listed.items)
        if (!listed.nextCursor) break
        cursor = listed.nextCursor
      }
      const visibleRoot = records.some((entry) => entry.id === rootId) ? rootId : record.id
      if (!records.some((entry) => entry.id === record.id)) records.push(record)
      return buildWorkflowTree(visibleRoot, records) as Workflow
    },

    async statsVisible(filter, viewer) {
      const scope = listScope(viewer)
      if (scope.kind === 'nothing') return emptyStats()
      return store.stats({ ...filter, principalId: scope.kind === 'owner' ? scope.ownerId : undefined })
    },

    async busyAgentIds() {
      const busy = new Set<string>()
      for (const status of ['running', 'queued'] as const) {
        const { items } = await store.list({ status, limit: 500 })
        for (const record of items) busy.add(record.agentId)
      }
      return busy
    },

    async submit(request) {
      await runner.prepare(request.agentId, request.input, request.viewer)
      const id = request.executionId ?? newExecutionId()
      const now = Date.now()
      const record: ExecutionRecord = {
        id,
        agentId: request.agentId,
        status: 'queued',
        kind: 'invoke',
        message: request.message,
        input: request.input,
        options: {
          timeoutMs: request.timeoutMs,
          outputSchema: request.outputSchema ?? null,
          queued: true,
          submittedBy: toJobIdentity(request.viewer),
          ...(request.origin ?? {}),
        },
        result: null,
        error: null,
        usage: null,
        sessionId: null,
        principalId: ownerIdOf(request.viewer),
        parentExecutionId: null,
        rootExecutionId: id,
        traceId: activeTraceId() ?? null,
        depth: 0,
        attempts: 0,
        createdAt: now,
        startedAt: null,
        completedAt: null,
        cancelRequestedAt: null,
      }
      // The record carries its whole job: if this process dies before the enqueue below, or the
      // queue loses the job later, the reconciler schedules it again from the record.
      await store.create(record)
      try {
        // The job carries the submitting request's trace, so the worker's spans continue it.
        await withSpan(
          'enqueue execution',
          {
            kind: SpanKind.PRODUCER,
            attributes: { 'agentgw.execution.id': id, 'messaging.operation.type': 'send' },
          },
          () => {
            const job = jobOf(record)
            const trace = injectTraceContext()
            return queue.enqueue(
              Object.keys(trace).length > 0 ? { ...job, payload: { ...job.payload, trace } } : job,
            )
          },
        )
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

    async cancel(id, viewer) {
      await access(id, viewer, 'change')
      const outcome = await store.requestCancel(id, Date.now())
      if (outcome === 'not_found') throw notFound(id)()
      if (outcome === 'cancel_requested') await bus.publish(cancelChannel, { executionId: id })
      if (outcome === 'cancelled')
        await bus.publish(executionChannel(id), { type: 'status', status: 'cancelled' })
      return outcome
    },

    async retry(id, viewer) {
      const record = await access(id, viewer, 'change')
      if (!['failed', 'timeout', 'cancelled'].includes(record.status) || record.kind !== 'invoke') {
        throw new GatewayError('invalid_state', {
          message: 'Only a failed, timed out or cancelled invoke execution can be retried.',
          executionId: id,
        })
      }
      const retried = await this.submit({
        agentId: record.agentId,
        message: record.message,
        input: record.input,
        timeoutMs: record.options.timeoutMs,
        outputSchema: record.options.outputSchema ?? undefined,
        viewer,
      })
      logger.info({ executionId: retried.id, retryOf: id }, 'execution retried')
      return retried
    },

    async startWorkers(concurrency) {
      if (consuming) return
      consuming = true
      await queue.consume({
        concurrency,
        handler: (job, context) => {
          const other = otherJob(job)
          if (other === null) return Promise.resolve()
          return other ? other.handle(job, context.signal) : handle(job, context.signal)
        },
        onDeadLetter: async (job, reason) => {
          const other = otherJob(job)
          if (other) return other.deadLettered(job, reason)
          const id = typeof job.payload.executionId === 'string' ? job.payload.executionId : undefined
          if (!id) return
          await failExecution(
            { store, bus },
            id,
            redact(`Gave up after ${job.attempt} attempt(s): ${reason}`),
            'retries_exhausted',
          )
          logger.warn({ executionId: id, attempts: job.attempt, reason }, 'execution dead-lettered')
        },
      })
    },

    async stop(drainMs) {
      stopQueueDepth()
      clearInterval(reaper)
      await reconciler.stop()
      if (!consuming) return
      consuming = false
      await queue.stop(drainMs)
    },

    reapAbandoned,
    reconcileQueue: (now) => reconciler.reconcile(now),
  }
}
