import type { MachineInfo } from './machine.ts'
import type { BenchProfile } from './profiles.ts'
import type { HoldResult, LoadResult, StreamResult, TargetKind } from './protocol.ts'
import { ratio } from './stats.ts'

/** Everything measured on one target, in one process. */
export interface TargetResults {
  kind: TargetKind
  load: { connections: number; result: LoadResult }[]
  streams: { agent: string; result: StreamResult }[]
  /** After all of the target's measurements, after a full GC. */
  rssAfterRun: number
  heapUsedAfterRun: number
  leak?: {
    firstRequests: number
    firstRss: number
    firstHeapUsed: number
    totalRequests: number
    totalRss: number
    totalHeapUsed: number
  }
}

/** What `npm run bench` writes to `bench/results/<date>.json`. */
export interface BenchReport {
  startedAt: string
  durationSeconds: number
  profile: BenchProfile
  machine: MachineInfo
  targets: TargetResults[]
  hold?: HoldResult & { targetRss: number }
  skipped: { kind: TargetKind; reason: string }[]
}

/** One performance goal of the issue, checked against a report. */
export interface GoalCheck {
  goal: string
  measured: string
  met: boolean | null
}

export const targetLabels: Record<TargetKind, string> = {
  baseline: 'baseline (bare Hono)',
  standalone: 'agentgw, no persistence',
  sqlite: 'agentgw, SQLite',
  postgres: 'agentgw, Postgres',
  express: 'agentgw in Express at /ai',
  hono: 'agentgw in Hono at /ai',
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`
const fixed = (value: number, digits = 2) => value.toFixed(digits)
const times = (value: number | null) => (value === null ? '–' : `${value.toFixed(2)}×`)

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n')
}

function loadAt(target: TargetResults | undefined, connections: number): LoadResult | undefined {
  return target?.load.find((cell) => cell.connections === connections)?.result
}

function streamOf(target: TargetResults | undefined, agent: string): StreamResult | undefined {
  return target?.streams.find((cell) => cell.agent === agent)?.result
}

/** The checks the issue sets, each met, missed or not measured (`null`). */
export function checkGoals(report: BenchReport, mainAgent: string): GoalCheck[] {
  const byKind = new Map(report.targets.map((target) => [target.kind, target]))
  const base = byKind.get('baseline')
  const standalone = byKind.get('standalone')
  const checks: GoalCheck[] = []
  const atLeast = (goal: string, value: number | null, min: number) =>
    checks.push({ goal, measured: times(value), met: value === null ? null : value >= min })

  atLeast(
    'no persistence ≥ 0.6× baseline req/s at c=8',
    ratio(loadAt(standalone, 8)?.requestsPerSecond, loadAt(base, 8)?.requestsPerSecond),
    0.6,
  )
  atLeast(
    'SQLite ≥ 0.4× baseline req/s at c=8',
    ratio(loadAt(byKind.get('sqlite'), 8)?.requestsPerSecond, loadAt(base, 8)?.requestsPerSecond),
    0.4,
  )
  for (const kind of ['express', 'hono'] as const) {
    atLeast(
      `${kind} mount ≥ 0.95× standalone req/s at c=8`,
      ratio(loadAt(byKind.get(kind), 8)?.requestsPerSecond, loadAt(standalone, 8)?.requestsPerSecond),
      0.95,
    )
  }
  const gateways = report.targets.filter((target) => target.kind !== 'baseline')
  const worst = (values: (number | null)[]) => {
    const known = values.filter((value): value is number => value !== null)
    return known.length > 0 ? Math.max(...known) : null
  }
  const bytes = worst(
    gateways.map((target) =>
      ratio(streamOf(target, mainAgent)?.bodyBytesPerToken, streamOf(base, mainAgent)?.bodyBytesPerToken),
    ),
  )
  checks.push({
    goal: 'stream bytes per token ≤ 1.5× baseline (worst target)',
    measured: times(bytes),
    met: bytes === null ? null : bytes <= 1.5,
  })
  const p99 = worst(
    gateways.map((target) => ratio(loadAt(target, 64)?.latencyP99Ms, loadAt(base, 64)?.latencyP99Ms)),
  )
  checks.push({
    goal: 'p99 at c=64 ≤ 3× baseline p99 (worst target)',
    measured: times(p99),
    met: p99 === null ? null : p99 <= 3,
  })
  for (const target of report.targets) {
    if (!target.leak) continue
    const growth = target.leak.totalRss / target.leak.firstRss - 1
    checks.push({
      goal: `${target.kind}: RSS after ${target.leak.totalRequests / 1000}k ≤ +5% of RSS after ${target.leak.firstRequests / 1000}k`,
      measured: `${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)}%`,
      met: growth <= 0.05,
    })
  }
  const hold = report.hold
  checks.push({
    goal: `${report.profile.holdStreams} SSE streams held by one process, keepalives on time`,
    measured: hold ? `${hold.onTimeStreams}/${hold.requested} on time` : 'not run',
    met: hold ? hold.onTimeStreams === hold.requested : null,
  })
  return checks
}

/** The report as Markdown tables: ratios are to the baseline of the same run. */
export function formatReport(
  report: BenchReport,
  agents: { main: string; long: string; paced: string },
): string {
  const { machine, profile } = report
  const byKind = new Map(report.targets.map((target) => [target.kind, target]))
  const base = byKind.get('baseline')
  const out: string[] = []
  out.push(
    `Run ${report.startedAt}, profile ${profile.name}, ${report.durationSeconds.toFixed(0)} s. ` +
      `Machine: ${machine.cores} cores (${machine.cpuModel}), ${mib(machine.memoryBytes)} RAM, ` +
      `Node ${machine.node}, ${machine.platform}, kernel ${machine.kernel}; ` +
      `load average ${machine.loadAverage.toFixed(2)} at the start.`,
  )
  for (const skipped of report.skipped) out.push(`Skipped ${targetLabels[skipped.kind]}: ${skipped.reason}`)

  out.push(
    '',
    `### Non-streaming invoke (median of ${profile.loadRounds} × ${profile.roundSeconds} s per cell, targets taking turns)`,
    '',
    table(
      ['target', 'c', 'req/s', '× base', 'p50 ms', 'p99 ms', 'p99 × base', 'errors'],
      report.targets.flatMap((target) =>
        target.load.map(({ connections, result }) => [
          targetLabels[target.kind],
          String(connections),
          fixed(result.requestsPerSecond, 0),
          times(ratio(result.requestsPerSecond, loadAt(base, connections)?.requestsPerSecond)),
          fixed(result.latencyP50Ms),
          fixed(result.latencyP99Ms),
          times(ratio(result.latencyP99Ms, loadAt(base, connections)?.latencyP99Ms)),
          String(result.errors + result.non2xx),
        ]),
      ),
    ),
  )

  const replyLabel: Record<string, string> = {
    [agents.main]: '20 tokens',
    [agents.long]: '200 tokens',
    [agents.paced]: '20 tokens, 5 ms apart',
  }
  out.push(
    '',
    `### Streaming invoke (${profile.streamConnections} connections, ${profile.streamSeconds} s per reply)`,
    '',
    'Bytes per token: response body bytes as received on the socket (chunked framing, `session` and `done` frames included; headers excluded) divided by token events. Headers: status line and headers of one response.',
    '',
    table(
      [
        'target',
        'reply',
        'TTFT p50 ms',
        'TTFT p99 ms',
        'tokens/s',
        '× base',
        'body B/token',
        '× base',
        'header B',
      ],
      report.targets.flatMap((target) =>
        target.streams.map(({ agent, result }) => [
          targetLabels[target.kind],
          replyLabel[agent] ?? agent,
          fixed(result.timeToFirstTokenP50Ms),
          fixed(result.timeToFirstTokenP99Ms),
          fixed(result.tokensPerSecond, 0),
          times(ratio(result.tokensPerSecond, streamOf(base, agent)?.tokensPerSecond)),
          fixed(result.bodyBytesPerToken, 1),
          times(ratio(result.bodyBytesPerToken, streamOf(base, agent)?.bodyBytesPerToken)),
          fixed(result.headerBytesPerResponse, 0),
        ]),
      ),
    ),
  )

  out.push(
    '',
    '### Memory (RSS after a full GC)',
    '',
    table(
      ['target', 'RSS after run', '× base', 'heap used', 'leak check: RSS (heap used)'],
      report.targets.map((target) => {
        const leak = target.leak
        return [
          targetLabels[target.kind],
          mib(target.rssAfterRun),
          times(ratio(target.rssAfterRun, base?.rssAfterRun)),
          mib(target.heapUsedAfterRun),
          leak
            ? `${mib(leak.firstRss)} (${mib(leak.firstHeapUsed)}) after ${leak.firstRequests / 1000}k → ` +
              `${mib(leak.totalRss)} (${mib(leak.totalHeapUsed)}) after ${leak.totalRequests / 1000}k: ` +
              `${((leak.totalRss / leak.firstRss - 1) * 100).toFixed(1)}%`
            : '–',
        ]
      }),
    ),
  )

  const hold = report.hold
  if (hold) {
    out.push(
      '',
      `### Held event streams (agentgw, no persistence, keepalive every ${profile.holdKeepaliveSeconds} s, held ${profile.holdSeconds} s)`,
      '',
      table(
        [
          'streams',
          'opened',
          'open after',
          'held to end',
          'on time',
          'keepalive gap p50 / p99 / max ms',
          'target RSS',
          'driver fd limit',
        ],
        [
          [
            String(hold.requested),
            String(hold.opened),
            `${fixed(hold.openSeconds)} s`,
            String(hold.heldToEnd),
            String(hold.onTimeStreams),
            `${fixed(hold.gapP50Ms, 0)} / ${fixed(hold.gapP99Ms, 0)} / ${fixed(hold.gapMaxMs, 0)}`,
            mib(hold.targetRss),
            String(hold.fileLimit ?? 'unknown'),
          ],
        ],
      ),
    )
  }

  out.push(
    '',
    '### Goals',
    '',
    table(
      ['goal', 'measured', 'met'],
      checkGoals(report, agents.main).map((check) => [
        check.goal,
        check.measured,
        check.met === null ? 'not measured' : check.met ? 'yes' : 'NO',
      ]),
    ),
  )
  return out.join('\n')
}
