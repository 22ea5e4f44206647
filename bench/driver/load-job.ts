import autocannon from 'autocannon'
import type { LoadJob, LoadResult } from '../protocol.ts'
import { percentile } from '../stats.ts'

/**
 * Drives one POST with autocannon. Latencies come from autocannon's per-response event rather
 * than its histogram, which keeps whole milliseconds only — too coarse on loopback.
 */
export async function runLoadJob(job: LoadJob): Promise<LoadResult> {
  const latencies: number[] = []
  const options: autocannon.Options = {
    url: job.url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: job.body,
    connections: job.connections,
    ...(job.amount !== undefined ? { amount: job.amount } : { duration: job.duration }),
  }
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (error, finished) => (error ? reject(error) : resolve(finished)))
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime)
    })
  })
  return {
    requestsPerSecond: result['2xx'] / result.duration,
    latencyP50Ms: percentile(latencies, 0.5),
    latencyP99Ms: percentile(latencies, 0.99),
    requests: result['2xx'],
    errors: result.errors,
    non2xx: result.non2xx,
  }
}
