import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { DriverProcess, killChildren, TargetProcess } from './child-processes.ts'
import { summarizeCpuProfile } from './cpu-profile-summary.ts'
import { readMachineInfo } from './machine.ts'
import {
  measureHeldStreams,
  measureInvokes,
  measureLeak,
  measureStreams,
  type StartedTarget,
} from './measurements.ts'
import { benchPostgresUrl, dropPostgresSchema, reservePostgresSchema } from './postgres-schema.ts'
import { benchAgents, profileFromArgs } from './profiles.ts'
import type { LoadResult, RecordedReply, TargetKind, TargetSpec } from './protocol.ts'
import { invokeBody, recordReplies } from './record-replies.ts'
import { type BenchReport, formatReport, type TargetResults, targetLabels } from './report.ts'

// npm run bench [-- --quick | --full] [--targets=baseline,standalone,…,held] [--hot-path | --cpu-prof]
// Every target runs in its own process, load comes from a separate driver process, all on
// 127.0.0.1. See bench/README.md.

const benchDir = path.dirname(fileURLToPath(import.meta.url))
const repoRoot = path.dirname(benchDir)
const resultsDir = path.join(benchDir, 'results')
const args = process.argv.slice(2)
const profile = profileFromArgs(args)
const cpuProfile = args.includes('--cpu-prof')
const hotPath = cpuProfile || args.includes('--hot-path')
const allKinds: TargetKind[] = ['standalone', 'baseline', 'sqlite', 'postgres', 'express', 'hono']
const chosen = args
  .find((arg) => arg.startsWith('--targets='))
  ?.slice('--targets='.length)
  .split(',')
const log = (line: string) => process.stderr.write(`${line}\n`)
const unknown = chosen?.filter((name) => name !== 'held' && !allKinds.includes(name as TargetKind))
if (unknown?.length) {
  log(`bench: unknown target(s) ${unknown.join(', ')}; choose from ${[...allKinds, 'held'].join(', ')}`)
  process.exit(2)
}

const watchdog = setTimeout(() => {
  log(`bench: stopped after the ${profile.timeLimitSeconds} s time limit`)
  process.exit(2)
}, profile.timeLimitSeconds * 1000)
watchdog.unref()
process.on('exit', killChildren)
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    killChildren()
    process.exit(130)
  })
}

const scratch = mkdtempSync(path.join(tmpdir(), 'agw-bench-'))
const workspace = path.join(benchDir, 'workspace')
const stamp = new Date()
  .toISOString()
  .replace(/:/g, '-')
  .replace(/\.\d+Z$/, 'Z')
let postgresSchema: string | undefined

/** The baseline replays what the gateway answers, so both send the same payloads. */
function recordFrom(target: TargetProcess): Promise<Record<string, RecordedReply>> {
  return recordReplies((agent) => target.url(`/v1/agents/${agent}/invoke`), {
    [benchAgents.main]: 0,
    [benchAgents.long]: 0,
    [benchAgents.paced]: 5,
  })
}

/** Records the replies from a gateway started just for that (when `--targets` leaves out standalone). */
async function recordFromGateway(): Promise<Record<string, RecordedReply>> {
  const target = await TargetProcess.start({ kind: 'standalone', workspace })
  try {
    return await recordFrom(target)
  } finally {
    await target.stop()
  }
}

async function specFor(
  kind: TargetKind,
  replies: Record<string, RecordedReply>,
): Promise<TargetSpec | string> {
  const spec: TargetSpec = { kind, workspace }
  if (kind === 'baseline') spec.replies = replies
  if (kind === 'sqlite') spec.sqliteFile = path.join(scratch, `${kind}.db`)
  if (kind === 'postgres') {
    const reserved = await reservePostgresSchema(benchPostgresUrl)
    if ('unavailable' in reserved) return reserved.unavailable
    postgresSchema = reserved.schema
    spec.postgres = { url: benchPostgresUrl, schema: reserved.schema }
  }
  return spec
}

/**
 * `--hot-path` and `--cpu-prof`: 10 s of non-streaming invokes at c=8 on the chosen targets
 * (default: no persistence, SQLite), for comparing a change; `--cpu-prof` runs each target
 * under Node's CPU profiler and summarizes where the time went.
 */
async function measureHotPath(driver: DriverProcess, profiling: boolean): Promise<void> {
  const profileDir = path.join(resultsDir, 'profiles', stamp)
  for (const kind of (chosen as TargetKind[] | undefined) ?? ['standalone', 'sqlite']) {
    const spec = await specFor(kind, kind === 'baseline' ? await recordFromGateway() : {})
    if (typeof spec === 'string') {
      log(`skipped ${kind}: ${spec}`)
      continue
    }
    const dir = path.join(profileDir, kind)
    if (profiling) mkdirSync(dir, { recursive: true })
    const target = await TargetProcess.start(spec, profiling ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [])
    const url = target.url(`/v1/agents/${benchAgents.main}/invoke`)
    const body = invokeBody(false)
    await driver.run<LoadResult>({ type: 'load', url, body, connections: 8, duration: 1 })
    const result = await driver.run<LoadResult>({ type: 'load', url, body, connections: 8, duration: 10 })
    await target.stop()
    process.stdout.write(
      `## ${targetLabels[kind]}: ${result.requestsPerSecond.toFixed(0)} req/s at c=8, ` +
        `p99 ${result.latencyP99Ms.toFixed(2)} ms${profiling ? ' (under the profiler)' : ''}\n`,
    )
    if (profiling) {
      for (const file of readdirSync(dir))
        process.stdout.write(`${summarizeCpuProfile(path.join(dir, file), repoRoot)}\n`)
    }
  }
}

async function main(): Promise<void> {
  const started = performance.now()
  const report: BenchReport = {
    startedAt: new Date().toISOString(),
    durationSeconds: 0,
    profile,
    machine: readMachineInfo(),
    targets: [],
    skipped: [],
  }
  const driver = DriverProcess.start()
  try {
    if (hotPath) return await measureHotPath(driver, cpuProfile)
    let replies: Record<string, RecordedReply> = {}
    const kinds = allKinds.filter((kind) => !chosen || chosen.includes(kind))
    const targets: StartedTarget[] = []
    try {
      // All targets run side by side (each in its own process) so their cells can take turns.
      for (const kind of kinds) {
        const spec = await specFor(kind, replies)
        if (typeof spec === 'string') {
          log(`bench: SKIPPED ${targetLabels[kind]}: ${spec}`)
          report.skipped.push({ kind, reason: spec })
          continue
        }
        if (kind === 'baseline' && !kinds.includes('standalone'))
          spec.replies = replies = await recordFromGateway()
        const target = { kind, process: await TargetProcess.start(spec) }
        targets.push(target)
        if (kind === 'standalone') replies = await recordFrom(target.process)
      }
      // The baseline is started second (it replays the gateway's replies); report it first.
      targets.sort((a, b) => (a.kind === 'baseline' ? -1 : b.kind === 'baseline' ? 1 : 0))
      log(`targets: ${targets.map((target) => target.kind).join(', ')}`)
      const invokes = await measureInvokes(targets, driver, profile, log)
      for (const target of targets) {
        const results: TargetResults = {
          kind: target.kind,
          load: invokes.get(target.kind) ?? [],
          streams: await measureStreams(target, driver, profile, log),
          rssAfterRun: 0,
          heapUsedAfterRun: 0,
        }
        const memory = await target.process.memory()
        results.rssAfterRun = memory.rss
        results.heapUsedAfterRun = memory.heapUsed
        if (profile.leakTargets.includes(target.kind)) {
          log(`  ${target.kind} leak check: ${profile.leakTotal} invokes`)
          results.leak = await measureLeak(target, driver, profile)
        }
        report.targets.push(results)
      }
    } finally {
      await Promise.all(targets.map((target) => target.process.stop()))
    }

    if (!chosen || chosen.includes('held')) {
      log(`held streams: ${profile.holdStreams} for ${profile.holdSeconds} s`)
      const holder = await TargetProcess.start({
        kind: 'standalone',
        workspace,
        keepaliveSeconds: profile.holdKeepaliveSeconds,
      })
      try {
        report.hold = await measureHeldStreams(holder, driver, profile)
      } finally {
        await holder.stop()
      }
    }

    report.durationSeconds = (performance.now() - started) / 1000
    mkdirSync(resultsDir, { recursive: true })
    const file = path.join(resultsDir, `${stamp}.json`)
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`)
    process.stdout.write(
      `${formatReport(report, benchAgents)}\n\nResults: ${path.relative(process.cwd(), file)}\n`,
    )
  } finally {
    await driver.stop()
    if (postgresSchema)
      await dropPostgresSchema(benchPostgresUrl, postgresSchema).catch((error: unknown) =>
        log(`could not drop schema ${postgresSchema}: ${String(error)}`),
      )
    rmSync(scratch, { recursive: true, force: true })
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    log(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
    process.exit(1)
  },
)
