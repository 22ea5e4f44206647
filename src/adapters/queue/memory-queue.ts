import { createSilentLogger, type Logger } from '../../core/logger.ts'
import {
  type JobMessage,
  type JobQueue,
  type JobQueueRetryPolicy,
  type ReceivedJob,
  retryAfterFailure,
} from '../../core/ports/job-queue.ts'
import { createJobRunner, type JobRunner, validateRetryPolicy } from './job-runner.ts'

export interface MemoryQueueOptions {
  /** Names the queue in logs. */
  name: string
  retry: JobQueueRetryPolicy
  logger?: Logger
  /**
   * How many finished (acknowledged or dead-lettered) job ids are remembered so that enqueueing
   * one again stays a no-op; the oldest are forgotten first.
   * @default 10000
   */
  rememberFinished?: number
}

interface Entry {
  message: JobMessage
  attempt: number
}

/**
 * An in-process job queue for gateways without persistence and for tests. Same contract as the
 * durable backends — ids are deduplicated, failures are retried with exponential backoff and
 * dead-lettered after `1 + maxRetries` attempts — but **nothing survives the process**: jobs
 * waiting or running when it exits are lost, and there is no other process to redeliver to.
 * Jobs start in enqueue order (retries and delayed jobs when their delay is over); up to
 * `concurrency` run at once.
 *
 * @example
 * const queue = createMemoryQueue({ name: 'executions', retry: { maxRetries: 3, backoffMs: 1000 } })
 * await queue.consume({ handler, onDeadLetter, concurrency: 4 })
 * await queue.enqueue({ id: 'exec_1', payload: { executionId: 'exec_1' } })
 */
export function createMemoryQueue(options: MemoryQueueOptions): JobQueue {
  validateRetryPolicy(options.retry)
  const logger = (options.logger ?? createSilentLogger()).child({ queue: options.name, backend: 'memory' })
  const rememberFinished = options.rememberFinished ?? 10_000
  const entries = new Map<string, Entry>()
  // Insertion-ordered, so the first key is the oldest: a cheap bounded memory of finished ids.
  const finished = new Set<string>()
  const ready: Entry[] = []
  const timers = new Set<NodeJS.Timeout>()
  let runner: JobRunner | undefined
  let closed = false

  function remember(id: string): void {
    entries.delete(id)
    finished.add(id)
    if (finished.size > rememberFinished) {
      const oldest = finished.values().next().value
      if (oldest !== undefined) finished.delete(oldest)
    }
  }

  function later(delayMs: number, entry: Entry): void {
    const timer = setTimeout(() => {
      timers.delete(timer)
      ready.push(entry)
      pump()
    }, delayMs)
    timers.add(timer)
  }

  function pump(): void {
    while (runner && !runner.stopping && runner.running < runner.concurrency) {
      const entry = ready.shift()
      if (!entry) return
      void attempt(runner, entry)
    }
  }

  async function attempt(active: JobRunner, entry: Entry): Promise<void> {
    const job: ReceivedJob = { ...structuredClone(entry.message), attempt: entry.attempt }
    const outcome = await active.run(job)
    if (outcome.kind === 'acked') {
      remember(entry.message.id)
    } else if (outcome.kind === 'interrupted') {
      ready.unshift(entry)
    } else {
      const delayMs = retryAfterFailure(options.retry, entry.attempt)
      if (delayMs === undefined) {
        remember(entry.message.id)
        await active.deadLetter(job, outcome.error)
      } else {
        entry.attempt++
        later(delayMs, entry)
      }
    }
    pump()
  }

  return {
    name: options.name,
    deduplicatesIds: true,
    async enqueue(message, enqueueOptions) {
      if (closed) throw new Error(`queue ${options.name} is closed`)
      if (entries.has(message.id) || finished.has(message.id)) return
      // A copy, so the caller mutating its object afterwards cannot change the queued job.
      const entry: Entry = { message: structuredClone(message), attempt: 1 }
      entries.set(message.id, entry)
      const delayMs = enqueueOptions?.delayMs ?? 0
      if (delayMs > 0) later(delayMs, entry)
      else {
        ready.push(entry)
        pump()
      }
    },
    async consume(consumer) {
      if (closed) throw new Error(`queue ${options.name} is closed`)
      if (runner) throw new Error(`queue ${options.name} already has a consumer`)
      runner = createJobRunner({ queueName: options.name, consumer, logger })
      pump()
    },
    async stop(drainMs) {
      await runner?.stop(drainMs)
    },
    async size() {
      return entries.size
    },
    async close() {
      closed = true
      runner?.halt()
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
    },
  }
}
