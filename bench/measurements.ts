import type { DriverProcess, TargetProcess } from './child-processes.ts'
import { type BenchProfile, benchAgents } from './profiles.ts'
import type { HoldResult, LoadJob, LoadResult, StreamResult, TargetKind } from './protocol.ts'
import { invokeBody } from './record-replies.ts'
import type { TargetResults } from './report.ts'

const invokePath = (agentId: string) => `/v1/agents/${agentId}/invoke`

/** A target started for this run. */
export interface StartedTarget {
  kind: TargetKind
  process: TargetProcess
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

/** One cell from several rounds: the median of each figure, the sums of the counts. */
export function combineRounds(rounds: LoadResult[]): LoadResult {
  return {
    requestsPerSecond: median(rounds.map((round) => round.requestsPerSecond)),
    latencyP50Ms: median(rounds.map((round) => round.latencyP50Ms)),
    latencyP99Ms: median(rounds.map((round) => round.latencyP99Ms)),
    requests: rounds.reduce((sum, round) => sum + round.requests, 0),
    errors: rounds.reduce((sum, round) => sum + round.errors, 0),
    non2xx: rounds.reduce((sum, round) => sum + round.non2xx, 0),
  }
}

function loadJob(target: TargetProcess, connections: number, seconds: number, amount?: number): LoadJob {
  return {
    type: 'load',
    url: target.url(invokePath(benchAgents.main)),
    body: invokeBody(false),
    connections,
    duration: seconds,
    ...(amount !== undefined ? { amount } : {}),
  }
}

/**
 * Non-streaming invoke cells. Targets take turns, round after round, so that other work on the
 * machine slows them alike; each cell is the median of its rounds.
 */
export async function measureInvokes(
  targets: readonly StartedTarget[],
  driver: DriverProcess,
  profile: BenchProfile,
  log: (line: string) => void,
): Promise<Map<TargetKind, TargetResults['load']>> {
  for (const target of targets)
    await driver.run<LoadResult>(loadJob(target.process, 8, profile.warmupSeconds))
  const rounds = new Map<string, LoadResult[]>()
  for (let round = 0; round < profile.loadRounds; round++) {
    for (const connections of profile.concurrencies) {
      for (const target of targets) {
        const result = await driver.run<LoadResult>(
          loadJob(target.process, connections, profile.roundSeconds),
        )
        const key = `${target.kind}:${connections}`
        rounds.set(key, [...(rounds.get(key) ?? []), result])
      }
    }
    log(`  invoke round ${round + 1}/${profile.loadRounds} done`)
  }
  return new Map(
    targets.map((target) => [
      target.kind,
      profile.concurrencies.map((connections) => ({
        connections,
        result: combineRounds(rounds.get(`${target.kind}:${connections}`) ?? []),
      })),
    ]),
  )
}

/** Streaming cells of one target: the 20-token, 200-token and paced replies. */
export async function measureStreams(
  target: StartedTarget,
  driver: DriverProcess,
  profile: BenchProfile,
  log: (line: string) => void,
): Promise<TargetResults['streams']> {
  const streams: TargetResults['streams'] = []
  for (const agent of [benchAgents.main, benchAgents.long, benchAgents.paced]) {
    const result = await driver.run<StreamResult>({
      type: 'stream',
      url: target.process.url(invokePath(agent)),
      body: invokeBody(true),
      connections: profile.streamConnections,
      duration: profile.streamSeconds,
    })
    log(
      `  ${target.kind} stream ${agent}: ${result.tokensPerSecond.toFixed(0)} tokens/s, ${result.bodyBytesPerToken.toFixed(1)} B/token`,
    )
    streams.push({ agent, result })
  }
  return streams
}

/** Memory after `leakFirst` invokes and again after `leakTotal`, in the same process. */
export async function measureLeak(
  target: StartedTarget,
  driver: DriverProcess,
  profile: BenchProfile,
): Promise<NonNullable<TargetResults['leak']>> {
  await driver.run<LoadResult>(loadJob(target.process, 8, 0, profile.leakFirst))
  const first = await target.process.memory()
  await driver.run<LoadResult>(loadJob(target.process, 8, 0, profile.leakTotal - profile.leakFirst))
  const total = await target.process.memory()
  return {
    firstRequests: profile.leakFirst,
    firstRss: first.rss,
    firstHeapUsed: first.heapUsed,
    totalRequests: profile.leakTotal,
    totalRss: total.rss,
    totalHeapUsed: total.heapUsed,
  }
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
