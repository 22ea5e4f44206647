import type { DriverProcess, TargetProcess } from './child-processes.ts'
import { type BenchProfile, benchAgents } from './profiles.ts'
import type { HoldResult, LoadResult, StreamResult, TargetKind } from './protocol.ts'
import { invokeBody } from './record-replies.ts'
import type { TargetResults } from './report.ts'

const invokePath = (agentId: string) => `/v1/agents/${agentId}/invoke`

/** Runs every per-target measurement of the profile against one running target. */
export async function measureTarget(
  kind: TargetKind,
  target: TargetProcess,
  driver: DriverProcess,
  profile: BenchProfile,
  log: (line: string) => void,
): Promise<TargetResults> {
  const url = target.url(invokePath(benchAgents.main))
  const load = (connections: number, duration: number, amount?: number) =>
    driver.run<LoadResult>({
      type: 'load',
      url,
      body: invokeBody(false),
      connections,
      duration,
      ...(amount !== undefined ? { amount } : {}),
    })

  await load(8, profile.warmupSeconds)
  const results: TargetResults = { kind, load: [], streams: [], rssAfterRun: 0, heapUsedAfterRun: 0 }
  for (const connections of profile.concurrencies) {
    const result = await load(connections, profile.loadSeconds)
    log(
      `  invoke c=${connections}: ${result.requestsPerSecond.toFixed(0)} req/s, p99 ${result.latencyP99Ms.toFixed(2)} ms`,
    )
    results.load.push({ connections, result })
  }
  for (const agent of [benchAgents.main, benchAgents.long, benchAgents.paced]) {
    const result = await driver.run<StreamResult>({
      type: 'stream',
      url: target.url(invokePath(agent)),
      body: invokeBody(true),
      connections: profile.streamConnections,
      duration: profile.streamSeconds,
    })
    log(
      `  stream ${agent}: ${result.tokensPerSecond.toFixed(0)} tokens/s, ${result.bodyBytesPerToken.toFixed(1)} B/token`,
    )
    results.streams.push({ agent, result })
  }
  const afterRun = await target.memory()
  results.rssAfterRun = afterRun.rss
  results.heapUsedAfterRun = afterRun.heapUsed

  if (profile.leakTargets.includes(kind)) {
    await load(8, 0, profile.leakFirst)
    const first = await target.memory()
    await load(8, 0, profile.leakTotal - profile.leakFirst)
    const total = await target.memory()
    results.leak = {
      firstRequests: profile.leakFirst,
      firstRss: first.rss,
      firstHeapUsed: first.heapUsed,
      totalRequests: profile.leakTotal,
      totalRss: total.rss,
      totalHeapUsed: total.heapUsed,
    }
    log(`  leak check: ${(first.rss / 2 ** 20).toFixed(1)} → ${(total.rss / 2 ** 20).toFixed(1)} MiB`)
  }
  return results
}

/** Holds the profile's number of streams open on one target and times their keepalives. */
export async function measureHeldStreams(
  target: TargetProcess,
  driver: DriverProcess,
  profile: BenchProfile,
): Promise<HoldResult & { targetRss: number }> {
  const holding = driver.run<HoldResult>({
    type: 'hold',
    url: target.url(invokePath(benchAgents.hold)),
    body: invokeBody(true),
    streams: profile.holdStreams,
    holdSeconds: profile.holdSeconds,
    keepaliveSeconds: profile.holdKeepaliveSeconds,
  })
  // Peak RSS while the streams are open; no forced GC, which would pause the keepalives measured.
  let targetRss = 0
  let holdingDone = false
  void holding.finally(() => {
    holdingDone = true
  })
  while (!holdingDone) {
    targetRss = Math.max(targetRss, (await target.memory(false)).rss)
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  return { ...(await holding), targetRss }
}
