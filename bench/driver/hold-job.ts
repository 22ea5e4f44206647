import { execFileSync } from 'node:child_process'
import type { HoldJob, HoldResult } from '../protocol.ts'
import { percentile } from '../stats.ts'
import { RawSseConnection, type StreamObservation } from './raw-sse-connection.ts'

/** Connections opened at once; more would overflow the server's listen backlog (511). */
const openBatch = 100

function fileLimit(): number | null {
  try {
    return Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim()) || null
  } catch {
    return null
  }
}

interface HeldStream {
  connection: RawSseConnection
  observation: StreamObservation | undefined
  done: Promise<unknown>
}

/**
 * Opens `streams` event streams to an agent whose run outlasts the hold, waits until each has
 * sent its `session` event, then times the keepalive comments on every stream for
 * `holdSeconds`. A stream is on time when no gap — including the wait for its first keepalive
 * in the window — exceeds 1.5 keepalive intervals.
 */
export async function runHoldJob(job: HoldJob): Promise<HoldResult> {
  const url = new URL(job.url)
  const held: HeldStream[] = []
  const started = performance.now()
  for (let index = 0; index < job.streams; index += openBatch) {
    const batch = Array.from({ length: Math.min(openBatch, job.streams - index) }, async () => {
      const connection = await RawSseConnection.open(url.hostname, Number(url.port))
      let sessionSeen: () => void = () => undefined
      const session = new Promise<void>((resolve) => {
        sessionSeen = resolve
      })
      const stream: HeldStream = { connection, observation: undefined, done: Promise.resolve() }
      stream.done = connection.request({ path: url.pathname, body: job.body, onSession: sessionSeen }).then(
        (observation) => {
          stream.observation = observation
        },
        () => undefined,
      )
      held.push(stream)
      await Promise.race([session, stream.done])
    })
    await Promise.all(batch.map((opening) => opening.catch(() => undefined)))
  }
  const openedAt = performance.now()
  const opened = held.filter((stream) => !stream.connection.closed && stream.observation === undefined)
  await new Promise((resolve) => setTimeout(resolve, job.holdSeconds * 1000))
  const closedAt = performance.now()
  const heldToEnd = opened.filter((stream) => !stream.connection.closed).length
  const intervalMs = job.keepaliveSeconds * 1000
  const gaps: number[] = []
  let keepalives = 0
  let onTime = 0
  for (const stream of opened) {
    const arrivals = (stream.connection.inFlight?.keepalives ?? []).filter(
      (at) => at >= openedAt && at <= closedAt,
    )
    keepalives += arrivals.length
    const points = [openedAt, ...arrivals]
    const streamGaps = points.slice(1).map((at, index) => at - (points[index] as number))
    // The last keepalive must also be recent: a stream that went silent is not on time.
    const tail = closedAt - (points.at(-1) as number)
    gaps.push(...streamGaps.slice(1))
    if (!stream.connection.closed && [...streamGaps, tail].every((gap) => gap <= intervalMs * 1.5)) onTime++
  }
  for (const stream of held) stream.connection.close()
  await Promise.all(held.map((stream) => stream.done))
  return {
    requested: job.streams,
    opened: opened.length,
    heldToEnd,
    openSeconds: (openedAt - started) / 1000,
    keepalives,
    gapP50Ms: percentile(gaps, 0.5),
    gapP99Ms: percentile(gaps, 0.99),
    gapMaxMs: gaps.length > 0 ? Math.max(...gaps) : 0,
    onTimeStreams: onTime,
    fileLimit: fileLimit(),
  }
}
