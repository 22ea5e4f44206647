import type { StreamJob, StreamResult } from '../protocol.ts'
import { percentile } from '../stats.ts'
import { RawSseConnection, type StreamObservation } from './raw-sse-connection.ts'

/**
 * Streams the same request back to back on `connections` keep-alive connections for
 * `duration` seconds, and reports time to first token, token throughput and bytes per token.
 */
export async function runStreamJob(job: StreamJob): Promise<StreamResult> {
  const url = new URL(job.url)
  const deadline = performance.now() + job.duration * 1000
  const observations: StreamObservation[] = []
  let failed = 0
  const started = performance.now()

  const worker = async () => {
    let connection = await RawSseConnection.open(url.hostname, Number(url.port))
    try {
      while (performance.now() < deadline) {
        if (connection.closed) connection = await RawSseConnection.open(url.hostname, Number(url.port))
        try {
          const observation = await connection.request({ path: url.pathname, body: job.body })
          if (observation.status === 200 && observation.events.get('done') === 1)
            observations.push(observation)
          else failed++
        } catch {
          failed++
        }
      }
    } finally {
      connection.close()
    }
  }
  await Promise.all(Array.from({ length: job.connections }, worker))
  const elapsedSeconds = (performance.now() - started) / 1000

  const tokens = observations.reduce((sum, observation) => sum + (observation.events.get('token') ?? 0), 0)
  const bodyBytes = observations.reduce((sum, observation) => sum + observation.bodyBytes, 0)
  const headerBytes = observations.reduce((sum, observation) => sum + observation.headerBytes, 0)
  const firstTokens = observations.flatMap((observation) =>
    observation.firstTokenAt === undefined ? [] : [observation.firstTokenAt - observation.sentAt],
  )
  return {
    streams: observations.length,
    failedStreams: failed,
    tokensPerSecond: tokens / elapsedSeconds,
    timeToFirstTokenP50Ms: percentile(firstTokens, 0.5),
    timeToFirstTokenP99Ms: percentile(firstTokens, 0.99),
    bodyBytesPerToken: tokens > 0 ? bodyBytes / tokens : 0,
    headerBytesPerResponse: observations.length > 0 ? headerBytes / observations.length : 0,
    tokensPerStream: observations.length > 0 ? tokens / observations.length : 0,
  }
}
