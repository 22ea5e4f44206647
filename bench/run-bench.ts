import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { DriverProcess, killChildren, TargetProcess } from './child-processes.ts'
import { summarizeCpuProfile } from './cpu-profile-summary.ts'
import { readMachineInfo } from './machine.ts'
import { measureHeldStreams, measureTarget } from './measure-target.ts'
import { benchPostgresUrl, dropPostgresSchema, reservePostgresSchema } from './postgres-schema.ts'
import { benchAgents, profileFromArgs } from './profiles.ts'
import type { LoadResult, RecordedReply, TargetKind, TargetSpec } from './protocol.ts'
import { invokeBody, recordReplies } from './record-replies.ts'
import { type BenchReport, formatReport, targetLabels } from './report.ts'

// `npm run bench [-- --quick | --full] [--targets=a,b] [--cpu-prof]`: every target in its own
// process, load from a separate driver process, all on 127.0.0.1. See bench/README.md.

const benchDir = path.dirname(fileURLToPath(import.meta.url))
const repoRoot = path.dirname(benchDir)
const resultsDir = path.join(benchDir, 'results')
const args = process.argv.slice(2)
const profile = profileFromArgs(args)
const cpuProfile = args.includes('--cpu-prof')
const allKinds: TargetKind[] = ['standalone', 'baseline', 'sqlite', 'postgres', 'express', 'hono']
const chosen = args
  .find((arg) => arg.startsWith('--targets='))
  ?.slice('--targets='.length)
  .split(',')
const log = (line: string) => process.stderr.write(`${line}\n`)

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

/** `--cpu-prof`: profiles the chosen targets (default: no persistence, SQLite) under non-streaming load. */
async function profileHotPath(driver: DriverProcess): Promise<void> {
  const profileDir = path.join(resultsDir, 'profiles', stamp)
  mkdirSync(profileDir, { recursive: true })
  for (const kind of (chosen as TargetKind[] | undefined) ?? ['standalone', 'sqlite']) {
    const spec = await specFor(kind, {})
    if (typeof spec === 'string') {
      log(`skipped ${kind}: ${spec}`)
      continue
    }
    const dir = path.join(profileDir, kind)
    const target = await TargetProcess.start(spec, ['--cpu-prof', `--cpu-prof-dir=${dir}`])
    const url = target.url(`/v1/agents/${benchAgents.main}/invoke`)
    const result = await driver.run<LoadResult>({
      type: 'load',
      url,
      body: invokeBody(false),
      connections: 8,
      duration: 10,
    })
    await target.stop()
    log(`\n## ${targetLabels[kind]}: ${result.requestsPerSecond.toFixed(0)} req/s at c=8 under the profiler`)
    for (const file of readdirSync(dir)) log(summarizeCpuProfile(path.join(dir, file), repoRoot))
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
    if (cpuProfile) return await profileHotPath(driver)
    let replies: Record<string, RecordedReply> = {}
    for (const kind of allKinds.filter(
      (kind) => kind === 'standalone' || kind === 'baseline' || !chosen || chosen.includes(kind),
    )) {
      const spec = await specFor(kind, replies)
      if (typeof spec === 'string') {
        log(`bench: SKIPPED ${targetLabels[kind]}: ${spec}`)
        report.skipped.push({ kind, reason: spec })
        continue
      }
      log(`${targetLabels[kind]}`)
      const target = await TargetProcess.start(spec)
      try {
        if (kind === 'standalone') {
          // The baseline replays what the gateway answers, so both send the same payloads.
          replies = await recordReplies((agent) => target.url(`/v1/agents/${agent}/invoke`), {
            [benchAgents.main]: 0,
            [benchAgents.long]: 0,
            [benchAgents.paced]: 5,
          })
        }
        report.targets.push(await measureTarget(kind, target, driver, profile, log))
      } finally {
        await target.stop()
      }
    }
    // The baseline ran second; keep it first in the report.
    report.targets.sort((a, b) => (a.kind === 'baseline' ? -1 : b.kind === 'baseline' ? 1 : 0))

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
