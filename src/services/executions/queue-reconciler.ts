import type { Logger } from '../../core/logger.ts'
import type { ExecutionRecord, ExecutionStore } from '../../core/ports/execution-store.ts'
import type { JobQueue } from '../../core/ports/job-queue.ts'
import type { LeaseStore } from '../../core/ports/lease-store.ts'

/** The job that runs a queued execution, as built from its record alone. */
export function jobOf(record: ExecutionRecord, redispatched = false) {
  return {
    id: record.id,
    payload: {
      executionId: record.id,
      submittedBy: record.options.submittedBy,
      ...(redispatched ? { redispatched: true } : {}),
    },
  }
}

export interface QueueReconcilerOptions {
  store: ExecutionStore
  queue: JobQueue
  /** Without leases every instance reconciles (safe, as the queue or the handler drops duplicates). */
  leases: LeaseStore | undefined
  /** This instance's lease holder name. */
  instanceId: string
  logger: Logger
  /** How often to look. */
  intervalMs: number
  /** How long an execution may stay `queued` before its job is presumed lost. */
  graceMs: number
  /** A running queued execution without a heartbeat for this long lost its worker. */
  staleAfterMs: number
  /** Executions looked at per round. @default 500 */
  batch?: number
}

export interface QueueReconciler {
  /**
   * One round: when this instance holds the reconciler lease, schedules again every queued
   * execution older than the grace period (and, on a queue that deduplicates ids, every queued
   * execution whose worker stopped sending heartbeats). Resolves the ids it scheduled.
   */
  reconcile(now?: number): Promise<string[]>
  start(): void
  stop(): Promise<void>
}

/**
 * The database is the source of truth for what must run: a `queued` execution record carries
 * its whole job, so a job the queue lost — Redis flushed, a queue purged, a process killed
 * between recording the execution and enqueueing it — is scheduled again from the record.
 *
 * On a queue that deduplicates ids, scheduling a job that still exists is a no-op, so every
 * candidate is scheduled again under its own id. On one that does not (RabbitMQ), candidates are
 * scheduled only while the queue reports nothing waiting, and marked `redispatched`: the worker
 * drops such a copy when the execution is already running with a live heartbeat.
 */
export function createQueueReconciler(options: QueueReconcilerOptions): QueueReconciler {
  const { store, queue, leases, logger, instanceId } = options
  const batch = options.batch ?? 500
  const leaseName = `queue-reconciler:${queue.name}`
  let timer: NodeJS.Timeout | undefined
  let round: Promise<unknown> = Promise.resolve()
  let busy = false

  const holdsLease = async () =>
    !leases || (await leases.acquire(leaseName, instanceId, Math.max(3 * options.intervalMs, 1000)))

  async function candidates(now: number): Promise<ExecutionRecord[]> {
    const { items } = await store.list({
      status: 'queued',
      createdBefore: now - options.graceMs,
      limit: batch,
    })
    const found = items.filter((record) => record.options.queued && record.options.submittedBy)
    if (queue.deduplicatesIds) {
      // Its job may have vanished with the queue's data while it ran (Redis flushed mid-run).
      const stale = await store.listStale(now - options.staleAfterMs, batch)
      found.push(...stale.filter((record) => record.options.queued && record.options.submittedBy))
    }
    return found
  }

  async function reconcile(now = Date.now()): Promise<string[]> {
    if (!(await holdsLease())) return []
    const found = await candidates(now)
    if (found.length === 0) return []
    const deduplicates = queue.deduplicatesIds === true
    // Without deduplication a job still waiting would run twice: only act on an empty queue.
    if (!deduplicates && (await queue.size()) > 0) return []
    const scheduled: string[] = []
    for (const record of found) {
      try {
        await queue.enqueue(jobOf(record, !deduplicates))
        scheduled.push(record.id)
      } catch (error) {
        logger.warn({ err: error, executionId: record.id }, 'scheduling a queued execution again failed')
        break
      }
    }
    if (scheduled.length > 0 && !deduplicates)
      logger.warn({ executions: scheduled }, 'scheduled queued executions whose job was lost again')
    return scheduled
  }

  return {
    reconcile,
    start() {
      if (timer) return
      timer = setInterval(() => {
        if (busy) return
        busy = true
        round = reconcile()
          .finally(() => {
            busy = false
          })
          .catch((error: unknown) => logger.warn({ err: error }, 'reconciling queued executions failed'))
      }, options.intervalMs)
      timer.unref?.()
    },
    async stop() {
      clearInterval(timer)
      timer = undefined
      await round
      await leases?.release(leaseName, instanceId).catch(() => undefined)
    },
  }
}
