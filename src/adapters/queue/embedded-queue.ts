import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Logger } from '../../core/logger.ts'
import {
  type JobQueue,
  type JobQueueRetryPolicy,
  maxAttempts,
  type ReceivedJob,
  retryAfterFailure,
} from '../../core/ports/job-queue.ts'
import type { GatewayDatabase } from '../storage/database-schema.ts'
import { fromJson, toJson } from '../storage/json-columns.ts'
import { createJobRunner, type JobRunner, validateRetryPolicy } from './job-runner.ts'

/** Finished jobs are kept this long, so a duplicate enqueue of their id stays a no-op. */
const keepDoneMs = 24 * 3600_000
const pruneEveryMs = 10 * 60_000

export interface EmbeddedQueueOptions {
  db: Kysely<GatewayDatabase>
  dialect: 'sqlite' | 'postgres'
  name: string
  retry: JobQueueRetryPolicy
  /** A claimed job not renewed within this time is delivered again (its worker is presumed dead). */
  visibilityTimeoutMs: number
  /** How often idle workers look for jobs. @default 200 */
  pollIntervalMs?: number
  logger: Logger
}

/**
 * A durable queue in the gateway's own database (the embedded default): jobs are rows, claimed
 * with one conditional UPDATE (`FOR UPDATE SKIP LOCKED` on Postgres), kept alive by a heartbeat,
 * and delivered again after the visibility timeout when a worker dies. At-least-once; a job id
 * enqueued twice is one job.
 */
export function createEmbeddedQueue(options: EmbeddedQueueOptions): JobQueue {
  const { db, name, retry, logger } = options
  validateRetryPolicy(retry)
  const workerId = randomUUID()
  const pollIntervalMs = options.pollIntervalMs ?? 200
  const attemptsAllowed = maxAttempts(retry)
  let runner: JobRunner | undefined
  let lanes: Promise<void>[] = []
  // `close()` without `stop()` behaves like a crash: claimed jobs stay claimed until they expire.
  let crashed = false
  const wakers = new Set<() => void>()
  const wakeAll = () => {
    for (const wake of wakers) wake()
  }

  const claim = async (): Promise<ReceivedJob | undefined> => {
    const now = Date.now()
    let candidate = db
      .selectFrom('jobs')
      .select('id')
      .where('queue', '=', name)
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'pending'), eb('run_at', '<=', now)]),
          eb.and([eb('status', '=', 'active'), eb('locked_until', '<', now)]),
        ]),
      )
      .orderBy('run_at')
      .limit(1)
    if (options.dialect === 'postgres') candidate = candidate.forUpdate().skipLocked()
    const row = await db
      .updateTable('jobs')
      .set((eb) => ({
        status: 'active',
        locked_by: workerId,
        locked_until: now + options.visibilityTimeoutMs,
        attempts: eb('attempts', '+', 1),
        updated_at: now,
      }))
      .where('id', 'in', candidate)
      .returning(['id', 'payload', 'attempts'])
      .executeTakeFirst()
    return row ? { id: row.id, payload: fromJson(row.payload), attempt: row.attempts } : undefined
  }

  const release = (
    job: ReceivedJob,
    changes: { status: string; runAt?: number; attemptsDelta?: number; error?: string },
  ) =>
    db
      .updateTable('jobs')
      .set((eb) => ({
        status: changes.status,
        ...(changes.runAt !== undefined ? { run_at: changes.runAt } : {}),
        ...(changes.attemptsDelta ? { attempts: eb('attempts', '+', changes.attemptsDelta) } : {}),
        ...(changes.error !== undefined ? { last_error: changes.error } : {}),
        locked_by: null,
        locked_until: null,
        updated_at: Date.now(),
      }))
      .where('id', '=', job.id)
      .where('locked_by', '=', workerId)
      .execute()

  const handle = async (active: JobRunner, job: ReceivedJob) => {
    if (job.attempt > attemptsAllowed) {
      // Its workers kept dying: delivered more often than allowed, so it ends here.
      await active.deadLetter(
        job,
        'the job was delivered more times than allowed (its workers stopped mid-job)',
      )
      await release(job, { status: 'dead' })
      return
    }
    const heartbeat = setInterval(
      () => {
        db.updateTable('jobs')
          .set({ locked_until: Date.now() + options.visibilityTimeoutMs })
          .where('id', '=', job.id)
          .where('locked_by', '=', workerId)
          .execute()
          .catch((error: unknown) => logger.warn({ err: error, job: job.id }, 'job heartbeat failed'))
      },
      Math.max(250, options.visibilityTimeoutMs / 3),
    )
    heartbeat.unref?.()
    let outcome: Awaited<ReturnType<JobRunner['run']>>
    try {
      outcome = await active.run(job)
    } finally {
      clearInterval(heartbeat)
    }
    if (outcome.kind === 'acked') {
      // Kept as `done` for a day so enqueueing the same id again stays a no-op (then pruned).
      await release(job, { status: 'done' })
    } else if (outcome.kind === 'interrupted') {
      if (crashed) return
      // Stopped under the job: hand it back at once without counting the attempt.
      await release(job, { status: 'pending', runAt: Date.now(), attemptsDelta: -1 })
    } else {
      const delay = retryAfterFailure(retry, job.attempt)
      if (delay === undefined) {
        // Dead-letter first, then mark: a crash in between redelivers into this same path.
        await active.deadLetter(job, outcome.error)
        await release(job, { status: 'dead', error: outcome.error })
      } else {
        await release(job, { status: 'pending', runAt: Date.now() + delay, error: outcome.error })
      }
    }
  }

  let lastPrune = 0
  const prune = async () => {
    if (Date.now() - lastPrune < pruneEveryMs) return
    lastPrune = Date.now()
    await db
      .deleteFrom('jobs')
      .where('queue', '=', name)
      .where('status', '=', 'done')
      .where('updated_at', '<', Date.now() - keepDoneMs)
      .execute()
      .catch((error: unknown) => logger.warn({ err: error, queue: name }, 'pruning finished jobs failed'))
  }

  const lane = async (active: JobRunner) => {
    while (!active.stopping) {
      let job: ReceivedJob | undefined
      try {
        job = await claim()
      } catch (error) {
        logger.warn({ err: error, queue: name }, 'claiming a job failed; retrying')
      }
      if (!job) {
        await prune()
        await new Promise<void>((resolve) => {
          const waker = () => {
            clearTimeout(timer)
            wakers.delete(waker)
            resolve()
          }
          const timer = setTimeout(waker, pollIntervalMs)
          wakers.add(waker)
        })
        continue
      }
      await handle(active, job).catch((error: unknown) =>
        logger.error({ err: error, job: job.id }, 'job bookkeeping failed'),
      )
    }
  }

  return {
    name,
    deduplicatesIds: true,
    async enqueue(job, enqueueOptions) {
      const now = Date.now()
      await db
        .insertInto('jobs')
        .values({
          id: job.id,
          queue: name,
          payload: toJson(job.payload),
          status: 'pending',
          attempts: 0,
          run_at: now + (enqueueOptions?.delayMs ?? 0),
          locked_by: null,
          locked_until: null,
          last_error: null,
          created_at: now,
          updated_at: now,
        })
        .onConflict((conflict) => conflict.column('id').doNothing())
        .execute()
      wakeAll()
    },
    async consume(consumer) {
      if (runner && !runner.stopping) throw new Error(`queue ${name} is already being consumed`)
      const active = createJobRunner({ queueName: name, consumer, logger })
      runner = active
      lanes = Array.from({ length: active.concurrency }, () => lane(active))
    },
    async stop(drainMs) {
      if (!runner) return
      const stopping = runner.stop(drainMs)
      wakeAll()
      await stopping
      await Promise.all(lanes)
      lanes = []
    },
    async size() {
      const row = await db
        .selectFrom('jobs')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('queue', '=', name)
        .where('status', 'in', ['pending', 'active'])
        .executeTakeFirst()
      return Number(row?.count ?? 0)
    },
    async close() {
      crashed = true
      runner?.halt()
      wakeAll()
      await Promise.all(lanes)
      lanes = []
    },
  }
}
