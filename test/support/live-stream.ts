import { performance } from 'node:perf_hooks'
import { sseResponse } from '../../src/http/sse.ts'
import type { Gateway } from '../../src/index.ts'
import { readSse } from './read-sse.ts'

/** Route id and path of the probe stream, relative to the gateway. */
export const liveStreamPath = '/test/stream'

export interface LiveStreamTiming {
  /** When the client parsed the first event (`performance.now()`, this process). */
  firstArrivedAt: number
  /** When the server sent the second event. */
  secondSentAt: number
  /** When the client saw the stream end. */
  endedAt: number
  events: string[]
}

export interface LiveStreamProbe {
  /**
   * Reads one probe stream from `response` and reports when things happened. Server and client
   * share this process, so their clocks agree.
   */
  read(response: Response, key: string): Promise<LiveStreamTiming>
  /** A fresh key for one probe request: `${liveStreamPath}?key=…`. */
  nextKey(): string
}

export interface LiveStreamRouteOptions {
  /** Longest wait between the two events. @default 1500 */
  maxGapMs?: number
  /** @default 'test.stream' */
  id?: string
  /** @default liveStreamPath */
  path?: string
  /**
   * Headers over the SSE defaults. Tests use this to build a control stream that proxies and
   * compression may buffer, proving the probe notices buffering.
   */
  headers?: Record<string, string>
}

/**
 * Adds `GET /test/stream?key=…` to a gateway: sends `first`, then waits until the client
 * reports that it received `first` — or `maxGapMs` passes — and sends `second` with its send
 * time. If anything between buffers the stream, `first` cannot reach the client before
 * `second` is sent, so `firstArrivedAt < secondSentAt` proves the stream is live; when it is,
 * the probe takes milliseconds instead of the full gap.
 */
export function addLiveStreamRoute(gateway: Gateway, options: LiveStreamRouteOptions = {}): LiveStreamProbe {
  const maxGapMs = options.maxGapMs ?? 1500
  const waiting = new Map<string, () => void>()
  let counter = 0
  const route = { id: options.id ?? 'test.stream', method: 'GET', path: options.path ?? liveStreamPath }
  gateway.route(route, (c) => {
    const key = c.req.query('key') ?? ''
    return sseResponse({
      keepaliveMs: 15_000,
      requestSignal: c.req.raw.signal,
      ...(options.headers ? { headers: options.headers } : {}),
      run: async (sink) => {
        const received = new Promise<void>((resolve) => {
          waiting.set(key, resolve)
          setTimeout(resolve, maxGapMs).unref()
        })
        sink.send('first', { key })
        await received
        waiting.delete(key)
        sink.send('second', { key, sentAt: performance.now() })
      },
    })
  })
  return {
    nextKey: () => `probe-${++counter}`,
    async read(response, key) {
      let firstArrivedAt = Number.NaN
      let secondSentAt = Number.NaN
      const { events } = await readSse(response, (event) => {
        if (event.event === 'first') {
          firstArrivedAt = performance.now()
          waiting.get(key)?.()
        } else if (event.event === 'second') {
          secondSentAt = (event.data as { sentAt: number }).sentAt
        }
      })
      return { firstArrivedAt, secondSentAt, endedAt: performance.now(), events: events.map((e) => e.event) }
    },
  }
}
