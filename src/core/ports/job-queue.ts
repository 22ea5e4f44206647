/** A unit of background work. `id` is unique: enqueueing an existing id again is a no-op. */
export interface JobMessage {
  id: string
  /** JSON-serializable. */
  payload: Record<string, unknown>
}

/** A job as a handler receives it, with the delivery attempt. */
export interface ReceivedJob extends JobMessage {
  /** 1 on the first delivery, 2 on the first retry… */
  attempt: number
}

/** What a handler gets besides the job. */
export interface JobHandlerContext {
  /** Aborted when the queue stops without waiting (drain timeout). */
  signal: AbortSignal
}

/** Throwing (or rejecting) asks for a retry; returning acknowledges the job. */
export type JobHandler = (job: ReceivedJob, context: JobHandlerContext) => Promise<void>

/** Called once when a job has failed its last allowed attempt and is dead-lettered. */
export type DeadLetterHandler = (job: ReceivedJob, error: string) => Promise<void>

/** How `consume()` processes jobs: the handler, the dead-letter callback, the concurrency. */
export interface JobQueueConsumer {
  handler: JobHandler
  onDeadLetter: DeadLetterHandler
  /** Jobs handled at once by this process. */
  concurrency: number
}

/**
 * A durable job queue with **at-least-once** delivery. A failed job is retried with exponential
 * backoff until it has been attempted `1 + maxRetries` times, then dead-lettered — never
 * redelivered forever, never dropped silently. A job whose worker dies is delivered again
 * (visibility timeout or broker redelivery). Handlers must therefore be **idempotent**.
 *
 * Instances that share a backend (the same database, Redis or broker, and the same `name`) share
 * the jobs: a job enqueued on one instance is run by exactly one consumer at a time, on any
 * instance. Ordering is first-in first-out among ready jobs only: a retried or delayed job joins
 * the line when it is due.
 */
export interface JobQueue {
  /** The queue's name on its backend; queues with different names never see each other's jobs. */
  readonly name: string
  /**
   * `true` when enqueueing an id that is waiting, delayed, running or dead-lettered is certainly
   * a no-op, so a job can be scheduled again safely whenever it might have been lost. Queues
   * that leave it out (or say `false`) may deliver such an id twice; the gateway then schedules
   * again only when the queue reports nothing waiting (`size()` is 0).
   */
  readonly deduplicatesIds?: boolean | undefined
  /**
   * Stores the job for delivery (after `delayMs`, when given). Resolves once the backend has
   * stored it, so a job whose `enqueue` resolved survives this process. An id that is already
   * queued, running, dead-lettered or recently finished is a no-op where the backend can tell
   * (see the backend's docs); callers never rely on it, as handlers are idempotent. Rejects at
   * once when the backend is unreachable, rather than buffering.
   */
  enqueue(job: JobMessage, options?: { delayMs?: number }): Promise<void>
  /**
   * Starts consuming in this process: up to `concurrency` jobs run at once, each delivered with
   * its attempt number. A handler that resolves acknowledges the job; one that throws asks for
   * a retry after the backoff; after the last allowed attempt `onDeadLetter` runs once and the
   * job is never delivered again. Called at most once per queue handle.
   */
  consume(consumer: JobQueueConsumer): Promise<void>
  /**
   * Stops taking new jobs, waits up to `drainMs` for running ones, then aborts the rest through
   * their `signal`. An aborted job goes back in line without counting an attempt and is never
   * dead-lettered for it. Jobs enqueued after `stop` stay queued for other consumers.
   */
  stop(drainMs: number): Promise<void>
  /** Jobs waiting, delayed or running (for health and tests); finished and dead ones are not counted. */
  size(): Promise<number>
  /**
   * Releases connections. Without a `stop()` first this behaves like a crash: running jobs come
   * back through redelivery.
   */
  close(): Promise<void>
}

/** How often and how soon a failed job is tried again. */
export interface JobQueueRetryPolicy {
  maxRetries: number
  /** First retry delay; doubles each retry. */
  backoffMs: number
}

/** The delay before retry number `retry` (1-based). */
export function retryDelayMs(policy: JobQueueRetryPolicy, retry: number): number {
  return policy.backoffMs * 2 ** (retry - 1)
}

/** How many times a job is attempted at most: the first delivery plus every retry. */
export function maxAttempts(policy: JobQueueRetryPolicy): number {
  return 1 + policy.maxRetries
}

/**
 * What follows a failed attempt: the delay before the next one, or `undefined` when `attempt`
 * was the last allowed and the job must be dead-lettered.
 */
export function retryAfterFailure(policy: JobQueueRetryPolicy, attempt: number): number | undefined {
  return attempt < maxAttempts(policy) ? retryDelayMs(policy, attempt) : undefined
}
