/** A unit of background work. `id` is unique: enqueueing an existing id again is a no-op. */
export interface JobMessage {
  id: string
  /** JSON-serializable. */
  payload: Record<string, unknown>
}

export interface ReceivedJob extends JobMessage {
  /** 1 on the first delivery, 2 on the first retry… */
  attempt: number
}

export interface JobHandlerContext {
  /** Aborted when the queue stops without waiting (drain timeout). */
  signal: AbortSignal
}

/** Throwing (or rejecting) asks for a retry; returning acknowledges the job. */
export type JobHandler = (job: ReceivedJob, context: JobHandlerContext) => Promise<void>

/** Called once when a job has failed its last allowed attempt and is dead-lettered. */
export type DeadLetterHandler = (job: ReceivedJob, error: string) => Promise<void>

export interface JobQueueConsumer {
  handler: JobHandler
  onDeadLetter: DeadLetterHandler
  /** Jobs handled at once by this process. */
  concurrency: number
}

/**
 * A durable job queue with at-least-once delivery. A failed job is retried with exponential
 * backoff until it has been attempted `1 + maxRetries` times, then dead-lettered — never
 * redelivered forever, never dropped silently. A job whose worker dies is delivered again
 * (visibility timeout or broker redelivery). Handlers must therefore be idempotent.
 */
export interface JobQueue {
  readonly name: string
  enqueue(job: JobMessage, options?: { delayMs?: number }): Promise<void>
  /** Starts consuming in this process. */
  consume(consumer: JobQueueConsumer): Promise<void>
  /** Stops taking new jobs, waits up to `drainMs` for running ones, then aborts them. */
  stop(drainMs: number): Promise<void>
  /** Jobs waiting or running (for health and tests). */
  size(): Promise<number>
  /** Releases connections. */
  close(): Promise<void>
}

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
