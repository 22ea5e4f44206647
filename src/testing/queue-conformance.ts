import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import {
  type DeadLetterHandler,
  type JobHandler,
  type JobQueue,
  type JobQueueRetryPolicy,
  type ReceivedJob,
  retryDelayMs,
} from '../core/ports/job-queue.ts'
import { assertJsonEqual, assertLike } from './assert-like.ts'
import { createPerTestFixtures } from './per-test-fixtures.ts'
import { assertTestFunctions, type TestFunctions } from './test-functions.ts'
import { sleep, waitFor } from './wait-for.ts'

/** What the suite asks a factory for, once per test. */
export interface JobQueueConformanceContext {
  /**
   * Unique per test and run (letters, digits and `-`). Build the queue name or key prefix from it
   * so no two tests — nor two runs against the same broker — ever see each other's jobs.
   */
  name: string
  /** The retry policy the queue must be created with (small backoffs, so the suite stays fast). */
  retry: JobQueueRetryPolicy
}

/** A queue under test and how to tidy up after it. */
export interface JobQueueFixture {
  queue: JobQueue
  /**
   * Opens a second, independent handle on the same queue, as another process would (its own
   * connections). Required when the `redelivery` option is on.
   */
  connectAnother?: () => Promise<JobQueue>
  /** Closes every handle still open and deletes what the test left on the backend. */
  cleanup(): Promise<void>
}

/** What the backend under test guarantees beyond the common contract; selects optional tests. */
export interface JobQueueConformanceOptions {
  /**
   * Whether the backend makes enqueueing an id that is already known a no-op. Brokers that
   * cannot (RabbitMQ) rely on idempotent handlers instead and turn this off.
   * @default true
   */
  deduplicates?: boolean
  /**
   * Runs the test where a consumer dies mid-job and a second handle receives the job again.
   * Needs `connectAnother`, and a backend that notices a dead consumer quickly in tests (for
   * BullMQ: a short lock duration and stalled interval). Off for in-process queues, where no
   * other process exists to redeliver to.
   * @default false
   */
  redelivery?: boolean
  /** The longest any single wait in a test may take, in ms. @default 10000 */
  timeoutMs?: number
}

const retry: JobQueueRetryPolicy = { maxRetries: 2, backoffMs: 40 }
// Timers may fire a millisecond early after rounding; anything more than this is a real bug.
const timerSlackMs = 5
// Long enough for a wrongly scheduled extra delivery to show up, short enough to keep runs fast.
const observeMs = 250

/**
 * Registers the shared `JobQueue` conformance tests: every queue backend — shipped or your own —
 * must pass them. Pass the test functions of your runner (see {@link TestFunctions}); the suite
 * itself needs no test framework.
 *
 * Covered: one delivery with attempt 1 and the payload intact; duplicate ids (when the backend
 * deduplicates); retries with increasing attempts and backoff until `1 + maxRetries`, then
 * exactly one dead letter; recovery after a failed attempt; delayed jobs not delivered early;
 * the concurrency limit; `stop()` draining running jobs, starting no new ones and aborting what
 * outlives the drain without losing or dead-lettering it; redelivery after a consumer dies
 * (opt-in); `size()`.
 *
 * @example
 * ```ts
 * import { afterAll, beforeAll, describe, it } from 'vitest'
 * defineJobQueueConformance({ describe, it, beforeAll, afterAll }, 'memory', async ({ name, retry }) => {
 *   const queue = createMemoryQueue({ name, retry })
 *   return { queue, cleanup: () => queue.close() }
 * }, { redelivery: false })
 * ```
 */
export function defineJobQueueConformance(
  test: TestFunctions,
  name: string,
  factory: (context: JobQueueConformanceContext) => Promise<JobQueueFixture>,
  options: JobQueueConformanceOptions = {},
): void {
  assertTestFunctions(test)
  const timeoutMs = options.timeoutMs ?? 10_000
  const testTimeout = timeoutMs * 2 + 5000
  const run = randomUUID().slice(0, 8)

  test.describe(`JobQueue conformance: ${name}`, () => {
    const fixtures = createPerTestFixtures<JobQueueFixture>(test)
    const it = fixtures.it
    let count = 0

    const open = async (): Promise<JobQueueFixture> =>
      fixtures.track(await factory({ name: `cq-${run}-${++count}`, retry }))

    const until = (check: () => boolean | Promise<boolean>, what: string) => waitFor(check, what, timeoutMs)
    const ignoreDeadLetters: DeadLetterHandler = async () => {}

    it(
      'delivers an enqueued job once, as attempt 1, with its payload intact',
      async () => {
        const { queue } = await open()
        const seen: ReceivedJob[] = []
        await queue.consume({
          handler: async (job) => {
            seen.push(job)
          },
          onDeadLetter: ignoreDeadLetters,
          concurrency: 1,
        })
        const payload = { text: 'héllo ✓', count: 3, nested: { list: [1, 'two', null], flag: true } }
        await queue.enqueue({ id: 'job-1', payload })

        await until(() => seen.length === 1, 'the job to be handled')
        await sleep(observeMs)
        assertJsonEqual(seen, [{ id: 'job-1', payload, attempt: 1 }])
        await until(async () => (await queue.size()) === 0, 'size() to drop to 0')
      },
      testTimeout,
    )

    // Not registered at all when off, so a run's skip count only ever means a missing service.
    if (options.deduplicates !== false)
      it(
        'treats enqueueing a known id again as a no-op, before and after the job ran',
        async () => {
          const { queue } = await open()
          await queue.enqueue({ id: 'dup', payload: { version: 1 } })
          await queue.enqueue({ id: 'dup', payload: { version: 2 } })
          assert.equal(await queue.size(), 1)

          const seen: ReceivedJob[] = []
          await queue.consume({
            handler: async (job) => {
              seen.push(job)
            },
            onDeadLetter: ignoreDeadLetters,
            concurrency: 1,
          })
          await until(() => seen.length === 1, 'the job to be handled')
          await queue.enqueue({ id: 'dup', payload: { version: 3 } })
          await sleep(observeMs)
          assertJsonEqual(
            seen.map((job) => job.payload),
            [{ version: 1 }],
          )
        },
        testTimeout,
      )

    it(
      `attempts a failing job 1 + maxRetries times with growing backoff, then dead-letters it exactly once`,
      async () => {
        const { queue } = await open()
        const attempts: { attempt: number; at: number }[] = []
        const deadLetters: { job: ReceivedJob; error: string }[] = []
        await queue.consume({
          handler: async (job) => {
            attempts.push({ attempt: job.attempt, at: Date.now() })
            throw new Error(`boom on attempt ${job.attempt}`)
          },
          onDeadLetter: async (job, error) => {
            deadLetters.push({ job, error })
          },
          concurrency: 1,
        })
        await queue.enqueue({ id: 'doomed', payload: { n: 1 } })

        await until(() => deadLetters.length === 1, 'the dead letter')
        // Long enough for any further (wrong) retry to arrive: the next backoff would be 4 × base.
        await sleep(Math.max(observeMs, retryDelayMs(retry, retry.maxRetries + 1) * 2))
        assert.deepEqual(
          attempts.map((entry) => entry.attempt),
          [1, 2, 3],
        )
        for (let retryNumber = 1; retryNumber <= retry.maxRetries; retryNumber++) {
          const gap = attempts[retryNumber]!.at - attempts[retryNumber - 1]!.at
          assert.ok(
            gap >= retryDelayMs(retry, retryNumber) - timerSlackMs,
            `retry ${retryNumber} came after ${gap} ms, before its backoff`,
          )
        }
        assert.equal(deadLetters.length, 1)
        assertJsonEqual(deadLetters[0]!.job, { id: 'doomed', payload: { n: 1 }, attempt: 3 })
        assert.ok(deadLetters[0]!.error.includes('boom on attempt 3'), deadLetters[0]!.error)
        await until(async () => (await queue.size()) === 0, 'size() to drop to 0')
      },
      testTimeout,
    )

    it(
      'acknowledges a job whose retry succeeds, without dead-lettering it',
      async () => {
        const { queue } = await open()
        const attempts: number[] = []
        const deadLetters: string[] = []
        await queue.consume({
          handler: async (job) => {
            attempts.push(job.attempt)
            if (job.attempt === 1) throw new Error('transient')
          },
          onDeadLetter: async (job) => {
            deadLetters.push(job.id)
          },
          concurrency: 1,
        })
        await queue.enqueue({ id: 'flaky', payload: {} })

        await until(() => attempts.length === 2, 'the second attempt')
        await sleep(observeMs)
        assert.deepEqual(attempts, [1, 2])
        assert.deepEqual(deadLetters, [])
        await until(async () => (await queue.size()) === 0, 'size() to drop to 0')
      },
      testTimeout,
    )

    it(
      'does not deliver a delayed job before its delay, and does not hold up jobs behind it',
      async () => {
        const { queue } = await open()
        const seen: { id: string; at: number }[] = []
        await queue.consume({
          handler: async (job) => {
            seen.push({ id: job.id, at: Date.now() })
          },
          onDeadLetter: ignoreDeadLetters,
          concurrency: 1,
        })
        const delayMs = 400
        const enqueuedAt = Date.now()
        await queue.enqueue({ id: 'later', payload: {} }, { delayMs })
        await queue.enqueue({ id: 'now', payload: {} })

        await until(() => seen.length === 2, 'both jobs')
        assert.deepEqual(
          seen.map((entry) => entry.id),
          ['now', 'later'],
        )
        assert.ok(seen[1]!.at - enqueuedAt >= delayMs - timerSlackMs, 'the delayed job came early')
      },
      testTimeout,
    )

    it(
      'never runs more jobs at once than the consumer concurrency',
      async () => {
        const { queue } = await open()
        const concurrency = 2
        const total = 6
        for (let index = 0; index < total; index++)
          await queue.enqueue({ id: `c-${index}`, payload: { index } })
        let inFlight = 0
        let peak = 0
        const done: string[] = []
        await queue.consume({
          handler: async (job) => {
            inFlight++
            peak = Math.max(peak, inFlight)
            await sleep(60)
            inFlight--
            done.push(job.id)
          },
          onDeadLetter: ignoreDeadLetters,
          concurrency,
        })

        await until(() => done.length === total, 'every job')
        assert.equal(peak, concurrency)
        assert.equal(new Set(done).size, total)
      },
      testTimeout,
    )

    it(
      'stop() lets a running job finish and starts nothing afterwards',
      async () => {
        const { queue } = await open()
        const started: string[] = []
        let finished = false
        await queue.consume({
          handler: async (job) => {
            started.push(job.id)
            if (job.id === 'running') {
              await sleep(200)
              finished = true
            }
          },
          onDeadLetter: ignoreDeadLetters,
          concurrency: 1,
        })
        await queue.enqueue({ id: 'running', payload: {} })
        await until(() => started.length === 1, 'the job to start')

        const stopped = queue.stop(timeoutMs)
        await queue.enqueue({ id: 'after-stop', payload: {} })
        await stopped
        assert.equal(finished, true)
        await sleep(observeMs)
        assert.deepEqual(started, ['running'])
        assert.equal(await queue.size(), 1)
      },
      testTimeout,
    )

    it(
      'stop() aborts a job that outlives the drain time, keeps it queued and does not dead-letter it',
      async () => {
        const { queue } = await open()
        let signal: AbortSignal | undefined
        const deadLetters: string[] = []
        const handler: JobHandler = (_job, context) => {
          signal = context.signal
          return new Promise((_resolve, reject) => {
            context.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true })
          })
        }
        await queue.consume({
          handler,
          onDeadLetter: async (job) => {
            deadLetters.push(job.id)
          },
          concurrency: 1,
        })
        await queue.enqueue({ id: 'stuck', payload: {} })
        await until(() => signal !== undefined, 'the job to start')

        await queue.stop(50)
        assert.equal(signal?.aborted, true)
        await sleep(observeMs)
        assert.deepEqual(deadLetters, [])
        assert.equal(await queue.size(), 1)
      },
      testTimeout,
    )

    if (options.redelivery)
      it(
        'delivers a job again when its consumer dies before acknowledging it',
        async () => {
          const fixture = await open()
          if (!fixture.connectAnother) throw new Error('the redelivery test needs fixture.connectAnother')
          const first = fixture.queue
          let startedOnFirst: ReceivedJob | undefined
          await first.consume({
            // Never finishes on its own: the consumer "dies" while the job runs.
            handler: (job, context) => {
              startedOnFirst = job
              return new Promise((_resolve, reject) => {
                context.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true })
              })
            },
            onDeadLetter: ignoreDeadLetters,
            concurrency: 1,
          })
          const payload = { survives: 'a crash' }
          await first.enqueue({ id: 'orphan', payload })
          await until(() => startedOnFirst !== undefined, 'the first consumer to start the job')

          const second = await fixture.connectAnother()
          const seenOnSecond: ReceivedJob[] = []
          try {
            await second.consume({
              handler: async (job) => {
                seenOnSecond.push(job)
              },
              onDeadLetter: ignoreDeadLetters,
              concurrency: 1,
            })
            await first.close()

            await until(() => seenOnSecond.length >= 1, 'the job to reach the second consumer')
            assertLike(seenOnSecond[0], { id: 'orphan', payload })
            assert.ok(
              seenOnSecond[0]!.attempt >= startedOnFirst!.attempt,
              'the attempt number never goes down',
            )
          } finally {
            await second.close()
          }
        },
        testTimeout,
      )

    if (options.redelivery)
      it(
        'dead-letters a job whose consumers keep dying instead of redelivering it forever',
        async () => {
          const fixture = await open()
          if (!fixture.connectAnother) throw new Error('the redelivery test needs fixture.connectAnother')
          await fixture.queue.enqueue({ id: 'poison', payload: { kills: 'every consumer' } })
          const deadLetters: ReceivedJob[] = []
          let starts = 0
          // A bound on the rounds, so a backend that loops forever fails instead of hanging.
          for (let round = 0; round < retry.maxRetries + 3 && deadLetters.length === 0; round++) {
            const handle = await fixture.connectAnother()
            let started = false
            await handle.consume({
              handler: (_job, context) => {
                started = true
                starts++
                return new Promise((_resolve, reject) => {
                  context.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true })
                })
              },
              onDeadLetter: async (job) => {
                deadLetters.push(job)
              },
              concurrency: 1,
            })
            await until(() => started || deadLetters.length > 0, 'a delivery or a dead letter')
            if (deadLetters.length > 0)
              await until(async () => (await handle.size()) === 0, 'the dead letter to settle')
            await handle.close()
          }
          assert.equal(deadLetters.length, 1)
          assertLike(deadLetters[0], { id: 'poison', payload: { kills: 'every consumer' } })
          assert.ok(starts >= 1 && starts <= 1 + retry.maxRetries, `started ${starts} times`)
        },
        testTimeout * 2,
      )

    it(
      'size() counts waiting, delayed and running jobs, and not finished ones',
      async () => {
        const { queue } = await open()
        assert.equal(await queue.size(), 0)
        await queue.enqueue({ id: 's-1', payload: {} })
        await queue.enqueue({ id: 's-2', payload: {} })
        await queue.enqueue({ id: 's-3', payload: {} }, { delayMs: 200 })
        await until(async () => (await queue.size()) === 3, 'size() to count 3 jobs')

        let release: (() => void) | undefined
        const gate = new Promise<void>((resolve) => {
          release = resolve
        })
        let running = 0
        await queue.consume({
          handler: async () => {
            running++
            await gate
          },
          onDeadLetter: ignoreDeadLetters,
          concurrency: 1,
        })
        await until(() => running === 1, 'a job to start')
        assert.equal(await queue.size(), 3)
        release?.()
        await until(async () => (await queue.size()) === 0, 'size() to drop to 0')
      },
      testTimeout,
    )
  })
}
