import type { Job, Queue, Worker } from 'bullmq'
import type { Redis, RedisOptions } from 'ioredis'
import { createSilentLogger, type Logger } from '../../core/logger.ts'
import {
  type JobQueue,
  type JobQueueRetryPolicy,
  maxAttempts,
  type ReceivedJob,
  retryDelayMs,
} from '../../core/ports/job-queue.ts'
import { importOptional } from '../import-optional.ts'
import { openRedis } from '../open-redis.ts'
import { createThrottledLog } from '../throttled-log.ts'
import { createJobRunner, type JobRunner, validateRetryPolicy } from './job-runner.ts'

export interface BullmqQueueOptions {
  /** The BullMQ queue name (`queue.queue_name`). */
  name: string
  /** `queue.redis_url`, e.g. `redis://127.0.0.1:6379`. */
  redisUrl: string
  /**
   * Prefix of every Redis key of this queue (`queue.key_prefix`): keys are
   * `<keyPrefix>:<name>:…`, so gateways sharing a Redis stay apart.
   */
  keyPrefix: string
  retry: JobQueueRetryPolicy
  logger?: Logger
  /**
   * How long a worker's lock on a running job lasts; a live worker renews it at half this time.
   * A job whose worker died is redelivered once the lock has expired and a stalled check ran.
   * @default 30000
   */
  lockDurationMs?: number
  /** How often workers look for jobs whose lock expired. @default 30000 */
  stalledIntervalMs?: number
  /**
   * How many times one job may lose its worker (lock expired) before it is dead-lettered instead
   * of redelivered — a job that crashes every worker that takes it must not loop forever.
   * @default 1
   */
  maxStalledCount?: number
  /**
   * How long a completed job is kept, so enqueueing its id again stays a no-op. Dead-lettered
   * jobs are kept until deleted (the failed set is the dead-letter store).
   * @default 86400
   */
  keepCompletedSeconds?: number
}

/** A BullMQ-backed {@link JobQueue} that can also delete everything it stored. */
export interface BullmqJobQueue extends JobQueue {
  /**
   * Closes this handle and deletes every key of the queue — jobs, dead letters, events — for
   * every handle. For tests and teardown.
   */
  destroy(): Promise<void>
}

/** What a BullMQ job carries: the message id verbatim (job ids are restricted) and the payload. */
interface StoredMessage {
  id: string
  payload: Record<string, unknown>
}

/**
 * A durable job queue on BullMQ (Redis).
 *
 * - **At-least-once.** A job is acknowledged when its handler returns. A job whose worker dies
 *   (process crash, lost connection, `close()` without `stop()`) keeps its lock until it
 *   expires (`lockDurationMs`); the next stalled check (`stalledIntervalMs`) puts it back and
 *   another worker runs it again — with the same `attempt`, because BullMQ counts failures, not
 *   deliveries. After `maxStalledCount` such losses the job is dead-lettered.
 * - **Deduplicated.** The message id is the BullMQ job id, so enqueueing a known id — waiting,
 *   delayed, running, dead-lettered, or completed within `keepCompletedSeconds` — is a no-op.
 * - **Retries** use the shared exponential backoff (`retryDelayMs`); after `1 + maxRetries`
 *   attempts the job moves to BullMQ's failed set (the dead-letter store) and `onDeadLetter` is
 *   called once, before the move, so a crash in between repeats the last attempt rather than
 *   losing the dead letter.
 * - **Ordering** is FIFO for jobs that are ready; retries and delayed jobs join when due.
 * - `enqueue` fails fast while Redis is unreachable (no offline buffering); workers reconnect on
 *   their own. Connection errors are logged, at most one line per kind every 30 s.
 *
 * Needs the optional peer dependencies `bullmq` and `ioredis`.
 *
 * @example
 * const queue = await createBullmqQueue({
 *   name: 'agw-executions',
 *   redisUrl: 'redis://127.0.0.1:6379',
 *   keyPrefix: 'agw',
 *   retry: { maxRetries: 3, backoffMs: 1000 },
 * })
 */
export async function createBullmqQueue(options: BullmqQueueOptions): Promise<BullmqJobQueue> {
  validateRetryPolicy(options.retry)
  const bullmq = await importOptional(() => import('bullmq'), 'bullmq', 'queue.backend')
  const { Redis } = await importOptional(() => import('ioredis'), 'ioredis', 'queue.backend')
  const { name, retry } = options
  const logger = (options.logger ?? createSilentLogger()).child({ queue: name, backend: 'bullmq' })
  const log = createThrottledLog(logger)
  const prefix = options.keyPrefix
  const keepCompletedSeconds = options.keepCompletedSeconds ?? 86_400

  const connect = (role: string, redisOptions: RedisOptions) =>
    openRedis(Redis, { url: options.redisUrl, role, log, redisOptions })

  // The producer fails fast while Redis is down instead of buffering enqueues in memory; the
  // worker connection must wait forever on blocking commands, as BullMQ requires.
  const producerConnection = await connect('producer', { enableOfflineQueue: false, maxRetriesPerRequest: 1 })
  const queue: Queue<StoredMessage> = new bullmq.Queue<StoredMessage>(name, {
    connection: producerConnection,
    prefix,
  })
  queue.on('error', (error: Error) => log('warn', 'queue', { error: error.message }, 'BullMQ queue error'))

  let workerConnection: Redis | undefined
  let worker: Worker<StoredMessage> | undefined
  let runner: JobRunner | undefined
  let closed = false
  // Errors thrown by our processor after it already called onDeadLetter, so the `failed` event
  // does not call it a second time.
  const deadLettered = new WeakSet<Error>()

  async function putBack(job: Job<StoredMessage>, token: string | undefined): Promise<never> {
    // Not the job's fault (the worker is stopping): back in line at once, without counting an
    // attempt (moveToDelayed skips the attempt counter), for another worker to take.
    await job.moveToDelayed(Date.now(), token)
    throw new bullmq.DelayedError()
  }

  async function processJob(
    active: JobRunner,
    job: Job<StoredMessage>,
    token: string | undefined,
  ): Promise<void> {
    if (active.stopping) return putBack(job, token)
    const received: ReceivedJob = {
      id: job.data.id,
      payload: job.data.payload,
      attempt: job.attemptsMade + 1,
    }
    const outcome = await active.run(received)
    // After close() BullMQ ignores whatever the processor does: the job keeps its (expiring)
    // lock and is redelivered like one whose process died.
    if (outcome.kind === 'acked' || closed) return
    if (outcome.kind === 'interrupted') return putBack(job, token)
    const failure = new Error(outcome.error)
    if (received.attempt >= (job.opts.attempts ?? 1)) {
      await active.deadLetter(received, outcome.error)
      deadLettered.add(failure)
    }
    throw failure
  }

  async function close(beforeConnectionsClose?: () => Promise<unknown>): Promise<void> {
    if (closed) return
    closed = true
    // Force-close first so nothing a handler does from now on is recorded, then abort them.
    await worker?.close(true)
    runner?.halt()
    await beforeConnectionsClose?.()
    await queue.close()
    await Promise.all([producerConnection.quit(), workerConnection?.quit()].map(quietly))
  }

  return {
    name,
    deduplicatesIds: true,
    async enqueue(message, enqueueOptions) {
      await queue.add(
        name,
        { id: message.id, payload: message.payload },
        {
          jobId: toJobId(message.id),
          attempts: maxAttempts(retry),
          // Resolved by the worker's backoffStrategy, so the delay math is the shared one.
          backoff: { type: 'agentgw' },
          delay: enqueueOptions?.delayMs ?? 0,
          removeOnComplete: { age: keepCompletedSeconds },
          removeOnFail: false,
        },
      )
    },
    async consume(consumer) {
      if (closed) throw new Error(`queue ${name} is closed`)
      if (runner) throw new Error(`queue ${name} already has a consumer`)
      const active = createJobRunner({ queueName: name, consumer, logger })
      runner = active
      workerConnection = await connect('worker', { maxRetriesPerRequest: null })
      const created: Worker<StoredMessage> = new bullmq.Worker<StoredMessage>(
        name,
        (job: Job<StoredMessage>, token?: string) => processJob(active, job, token),
        {
          connection: workerConnection,
          prefix,
          concurrency: consumer.concurrency,
          lockDuration: options.lockDurationMs ?? 30_000,
          stalledInterval: options.stalledIntervalMs ?? 30_000,
          maxStalledCount: options.maxStalledCount ?? 1,
          settings: { backoffStrategy: (attemptsMade: number) => retryDelayMs(retry, attemptsMade) },
        },
      )
      created.on('error', (error: Error) =>
        log('warn', 'worker', { error: error.message }, 'BullMQ worker error'),
      )
      created.on('failed', (job: Job<StoredMessage> | undefined, error: Error) => {
        // Only a final failure sets finishedOn; our own last attempts were dead-lettered already.
        // What is left are jobs BullMQ failed without running them (lost their worker too often).
        if (!job || job.finishedOn === undefined || deadLettered.has(error)) return
        const received: ReceivedJob = {
          id: job.data.id,
          payload: job.data.payload,
          attempt: job.attemptsMade,
        }
        void active.deadLetter(received, error.message)
      })
      worker = created
      await created.waitUntilReady()
    },
    async stop(drainMs) {
      if (!runner || !worker) return
      const draining = runner.stop(drainMs)
      // Stop fetching; a job already on its way is put back by the processor.
      await worker.pause(true)
      const drained = await draining
      // Handlers that ignored the abort are left behind: their jobs are redelivered after the lock expires.
      await worker.close(!drained)
    },
    async size() {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized')
      return Object.values(counts).reduce((sum, count) => sum + count, 0)
    },
    close: () => close(),
    destroy: () => close(() => queue.obliterate({ force: true })),
  }
}

/**
 * BullMQ rejects job ids that look like integers or contain `:`. Percent-encoding (which never
 * leaves a `:`) plus encoding the first character of an integer-looking id keeps the mapping
 * one-to-one, so distinct message ids never collide.
 */
export function toJobId(id: string): string {
  const encoded = encodeURIComponent(id)
  if (`${Number.parseInt(encoded, 10)}` !== encoded) return encoded
  return `%${encoded.charCodeAt(0).toString(16).toUpperCase()}${encoded.slice(1)}`
}

async function quietly(promise: Promise<unknown> | undefined): Promise<void> {
  try {
    await promise
  } catch {
    // Closing a connection that already dropped is fine.
  }
}
