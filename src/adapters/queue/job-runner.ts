import { ConfigError } from '../../core/errors.ts'
import type { Logger } from '../../core/logger.ts'
import type { JobQueueConsumer, JobQueueRetryPolicy, ReceivedJob } from '../../core/ports/job-queue.ts'
import { errorMessage } from '../error-message.ts'

/** How one attempt ended. */
export type JobOutcome =
  | { kind: 'acked' }
  | { kind: 'failed'; error: string }
  /**
   * The queue stopped or closed under the job and its handler gave up on the abort signal. It
   * is the worker's fault, not the job's: backends put the job back without counting an attempt.
   */
  | { kind: 'interrupted' }

/**
 * What every queue backend does the same way around a consumer's handler: run it with an abort
 * signal, track what runs, drain on stop, and call the dead-letter handler safely. Backends keep
 * only the broker primitives (fetch, ack, delay, move to the dead-letter store).
 */
export interface JobRunner {
  readonly concurrency: number
  /** Set once `stop()` or `halt()` was called: a backend must not start another job. */
  readonly stopping: boolean
  /** Attempts in progress in this process. */
  readonly running: number
  /** Runs one attempt. Never rejects: a throwing handler is a `failed` outcome. */
  run(job: ReceivedJob): Promise<JobOutcome>
  /** Calls `onDeadLetter`; a failure there is logged, never thrown, so it cannot loop the job. */
  deadLetter(job: ReceivedJob, error: string): Promise<void>
  /**
   * Marks the runner stopping, waits up to `drainMs` for running attempts, then aborts them and
   * waits a short grace period for their handlers to return. Resolves `true` when nothing runs
   * any more, `false` when some handler ignored its abort signal.
   */
  stop(drainMs: number): Promise<boolean>
  /**
   * Aborts every running attempt — their deliveries are void (the connection they came on is
   * gone) — but keeps taking new ones.
   */
  interrupt(reason: string): void
  /** Marks the runner stopping and aborts every running attempt at once (`close()`). */
  halt(): void
}

export interface JobRunnerOptions {
  queueName: string
  consumer: JobQueueConsumer
  logger: Logger
  /** How long aborted handlers get to return before `stop()` gives up on them. @default 2000 */
  abortGraceMs?: number
}

export function createJobRunner(options: JobRunnerOptions): JobRunner {
  const { consumer, logger } = options
  if (!Number.isInteger(consumer.concurrency) || consumer.concurrency < 1) {
    throw new ConfigError({
      keyPath: 'queue.workers',
      message: `concurrency must be a whole number of at least 1, got ${consumer.concurrency}`,
    })
  }
  const abortGraceMs = options.abortGraceMs ?? 2000
  const running = new Map<Promise<JobOutcome>, AbortController>()
  let stopping = false

  async function attempt(job: ReceivedJob, controller: AbortController): Promise<JobOutcome> {
    try {
      await consumer.handler(job, { signal: controller.signal })
      return { kind: 'acked' }
    } catch (error) {
      if (controller.signal.aborted) return { kind: 'interrupted' }
      const message = errorMessage(error)
      logger.warn({ jobId: job.id, attempt: job.attempt, error: message }, 'job attempt failed')
      return { kind: 'failed', error: message }
    }
  }

  function interrupt(reason: string): void {
    for (const controller of running.values()) controller.abort(new Error(reason))
  }

  return {
    concurrency: consumer.concurrency,
    get stopping() {
      return stopping
    },
    get running() {
      return running.size
    },
    run(job) {
      const controller = new AbortController()
      const outcome = attempt(job, controller)
      running.set(outcome, controller)
      void outcome.then(() => running.delete(outcome))
      return outcome
    },
    async deadLetter(job, error) {
      logger.error({ jobId: job.id, attempt: job.attempt, error }, 'job dead-lettered after its last attempt')
      try {
        await consumer.onDeadLetter(job, error)
      } catch (failure) {
        logger.error({ jobId: job.id, error: errorMessage(failure) }, 'the dead-letter handler failed')
      }
    },
    async stop(drainMs) {
      stopping = true
      // No attempt starts once `stopping` is set, so this snapshot is everything left to wait for.
      const settled = Promise.allSettled([...running.keys()])
      if (await settlesWithin(settled, drainMs)) return true
      interrupt(`queue ${options.queueName} stopped`)
      return settlesWithin(settled, abortGraceMs)
    },
    interrupt,
    halt() {
      stopping = true
      interrupt(`queue ${options.queueName} closed`)
    },
  }
}

/** Checks the policy a backend was given, so a bad value fails at start-up with its config key. */
export function validateRetryPolicy(retry: JobQueueRetryPolicy): void {
  if (!Number.isInteger(retry.maxRetries) || retry.maxRetries < 0) {
    throw new ConfigError({ keyPath: 'queue.max_retries', message: 'must be a whole number of at least 0' })
  }
  if (!Number.isFinite(retry.backoffMs) || retry.backoffMs < 0) {
    throw new ConfigError({ keyPath: 'queue.retry_backoff_ms', message: 'must be a number of at least 0' })
  }
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms)
  })
  try {
    return await Promise.race([promise.then(() => true as const), timeout])
  } finally {
    clearTimeout(timer)
  }
}
