import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { EventBus } from '../core/ports/event-bus.ts'
import { assertJsonEqual } from './assert-like.ts'
import { createPerTestFixtures } from './per-test-fixtures.ts'
import { assertTestFunctions, type TestFunctions } from './test-functions.ts'
import { sleep, waitFor } from './wait-for.ts'

/** What the suite asks a factory for, once per test. */
export interface EventBusConformanceContext {
  /** Unique per test and run (letters, digits and `-`), e.g. for a key prefix. */
  name: string
}

/** A bus under test, a way to open another instance on the same backend, and how to tidy up. */
export interface EventBusFixture {
  bus: EventBus
  /** Opens another bus on the same backend with its own connections, as another gateway process would. */
  connectAnother(): Promise<EventBus>
  /** Closes every bus still open and deletes what the test left on the backend. */
  cleanup(): Promise<void>
}

/** Options of `defineEventBusConformance()`. */
export interface EventBusConformanceOptions {
  /** The longest any single wait in a test may take, in ms. @default 5000 */
  timeoutMs?: number
}

// Long enough for a wrongly routed message to show up, short enough to keep runs fast.
const observeMs = 200

/**
 * Registers the shared `EventBus` conformance tests: every event bus backend — shipped or your
 * own — must pass them. Pass the test functions of your runner (see {@link TestFunctions}); the
 * suite itself needs no test framework.
 *
 * Covered: delivery to a subscriber with a JSON round trip; channel isolation (including names
 * that differ only in case or punctuation); several subscribers and unsubscribing one;
 * delivery between two instances with separate connections, both ways, to a subscription that
 * has just resolved; a throwing subscriber not disturbing the others.
 *
 * @example
 * ```ts
 * import { afterAll, beforeAll, describe, it } from 'vitest'
 * defineEventBusConformance({ describe, it, beforeAll, afterAll }, 'memory', async () => {
 *   const hub = createMemoryEventHub()
 *   const bus = createMemoryEventBus({ hub })
 *   return { bus, connectAnother: async () => createMemoryEventBus({ hub }), cleanup: () => bus.close() }
 * })
 * ```
 */
export function defineEventBusConformance(
  test: TestFunctions,
  name: string,
  factory: (context: EventBusConformanceContext) => Promise<EventBusFixture>,
  options: EventBusConformanceOptions = {},
): void {
  assertTestFunctions(test)
  const timeoutMs = options.timeoutMs ?? 5000
  const testTimeout = timeoutMs * 2 + 5000
  const run = randomUUID().slice(0, 8)

  test.describe(`EventBus conformance: ${name}`, () => {
    const fixtures = createPerTestFixtures<EventBusFixture>(test)
    const it = fixtures.it
    let count = 0

    async function open(): Promise<{ fixture: EventBusFixture; channel: (suffix: string) => string }> {
      const id = `cb-${run}-${++count}`
      const fixture = fixtures.track(await factory({ name: id }))
      // Channel names unique per run and test, with the characters real channel names use.
      return { fixture, channel: (suffix) => `${id}:execution/${suffix}` }
    }

    const until = (check: () => boolean, what: string) => waitFor(check, what, timeoutMs)

    it(
      'delivers a published message to a subscriber, JSON intact',
      async () => {
        const { fixture, channel } = await open()
        const received: Record<string, unknown>[] = []
        await fixture.bus.subscribe(channel('a'), (message) => received.push(message))
        const message = {
          type: 'token',
          text: 'héllo ✓ "quoted" \\ back',
          count: 42,
          ratio: 0.5,
          done: false,
          missing: null,
          list: [1, 'two', { three: 3 }],
          nested: { deep: { deeper: [] } },
          empty: {},
        }
        await fixture.bus.publish(channel('a'), message)

        await until(() => received.length === 1, 'the message')
        assertJsonEqual(received[0], message)
      },
      testTimeout,
    )

    it(
      'keeps channels apart, even names that differ only in case',
      async () => {
        const { fixture, channel } = await open()
        const lower: Record<string, unknown>[] = []
        const other: Record<string, unknown>[] = []
        await fixture.bus.subscribe(channel('run-1'), (message) => lower.push(message))
        await fixture.bus.subscribe(channel('other'), (message) => other.push(message))
        await fixture.bus.publish(channel('RUN-1'), { to: 'upper' })
        await fixture.bus.publish(channel('run-2'), { to: 'neighbour' })
        await fixture.bus.publish(channel('run-1'), { to: 'lower' })

        await until(() => lower.length === 1, 'the message on the subscribed channel')
        await sleep(observeMs)
        assertJsonEqual(lower, [{ to: 'lower' }])
        assert.deepEqual(other, [])
      },
      testTimeout,
    )

    it(
      'delivers to every subscriber of a channel, and unsubscribing stops delivery to that one only',
      async () => {
        const { fixture, channel } = await open()
        const first: unknown[] = []
        const second: unknown[] = []
        const unsubscribeFirst = await fixture.bus.subscribe(channel('a'), (message) => first.push(message.n))
        const unsubscribeSecond = await fixture.bus.subscribe(channel('a'), (message) =>
          second.push(message.n),
        )
        await fixture.bus.publish(channel('a'), { n: 1 })
        await until(() => first.length === 1 && second.length === 1, 'both subscribers to receive')

        await unsubscribeFirst()
        await unsubscribeFirst()
        await fixture.bus.publish(channel('a'), { n: 2 })
        await until(() => second.length === 2, 'the remaining subscriber to receive')

        await unsubscribeSecond()
        const watcher = await fixture.connectAnother()
        const watched: unknown[] = []
        await watcher.subscribe(channel('a'), (message) => watched.push(message.n))
        await fixture.bus.publish(channel('a'), { n: 3 })
        await until(() => watched.length === 1, 'the message to be on the wire')
        await sleep(observeMs)
        assert.deepEqual(first, [1])
        assert.deepEqual(second, [1, 2])
      },
      testTimeout,
    )

    it(
      'delivers between two instances with their own connections, both ways',
      async () => {
        const { fixture, channel } = await open()
        const other = await fixture.connectAnother()
        const onOther: Record<string, unknown>[] = []
        const onFirst: Record<string, unknown>[] = []
        // Published right after subscribe resolves: the subscription must already be live.
        await other.subscribe(channel('x'), (message) => onOther.push(message))
        await fixture.bus.publish(channel('x'), { from: 'first' })
        await fixture.bus.subscribe(channel('y'), (message) => onFirst.push(message))
        await other.publish(channel('y'), { from: 'other' })

        await until(() => onOther.length === 1 && onFirst.length === 1, 'both messages')
        assertJsonEqual(onOther, [{ from: 'first' }])
        assertJsonEqual(onFirst, [{ from: 'other' }])
      },
      testTimeout,
    )

    it(
      'keeps delivering to other subscribers when one throws',
      async () => {
        const { fixture, channel } = await open()
        const received: unknown[] = []
        await fixture.bus.subscribe(channel('a'), () => {
          throw new Error('subscriber bug')
        })
        await fixture.bus.subscribe(channel('a'), (message) => received.push(message.n))
        await fixture.bus.publish(channel('a'), { n: 1 })
        await fixture.bus.publish(channel('a'), { n: 2 })

        await until(() => received.length === 2, 'both messages')
        assert.deepEqual(received, [1, 2])
      },
      testTimeout,
    )
  })
}
