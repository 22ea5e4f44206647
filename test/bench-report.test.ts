import { describe, expect, it } from 'vitest'
import type { MachineInfo } from '../bench/machine.ts'
import { combineRounds } from '../bench/measurements.ts'
import { profileFromArgs } from '../bench/profiles.ts'
import type { LoadResult, StreamResult, TargetKind } from '../bench/protocol.ts'
import { parseFrames } from '../bench/record-replies.ts'
import { type BenchReport, checkGoals, formatReport, type TargetResults } from '../bench/report.ts'
import { percentile, ratio } from '../bench/stats.ts'

const agents = { main: 'echo-20', long: 'echo-200', paced: 'echo-20-paced' }

const machine: MachineInfo = {
  cores: 2,
  cpuModel: 'test cpu',
  memoryBytes: 2 ** 30,
  node: 'v24.0.0',
  platform: 'linux x64',
  kernel: '6.0',
  loadAverage: 0.5,
}

function load(requestsPerSecond: number, latencyP99Ms: number): LoadResult {
  return {
    requestsPerSecond,
    latencyP50Ms: latencyP99Ms / 2,
    latencyP99Ms,
    requests: 1000,
    errors: 0,
    non2xx: 0,
  }
}

function stream(bodyBytesPerToken: number): StreamResult {
  return {
    streams: 10,
    failedStreams: 0,
    tokensPerSecond: 1000,
    timeToFirstTokenP50Ms: 1,
    timeToFirstTokenP99Ms: 2,
    bodyBytesPerToken,
    headerBytesPerResponse: 240,
    tokensPerStream: 20,
  }
}

function target(kind: TargetKind, requestsPerSecond: number, p99: number, bytes: number): TargetResults {
  return {
    kind,
    load: [
      { connections: 8, result: load(requestsPerSecond, p99 / 4) },
      { connections: 64, result: load(requestsPerSecond, p99) },
    ],
    streams: [{ agent: agents.main, result: stream(bytes) }],
    rssAfterRun: 100 * 2 ** 20,
    heapUsedAfterRun: 20 * 2 ** 20,
  }
}

function report(targets: TargetResults[]): BenchReport {
  return {
    startedAt: '2026-01-01T00:00:00.000Z',
    durationSeconds: 120,
    profile: profileFromArgs([]),
    machine,
    targets,
    skipped: [],
  }
}

describe('bench report', () => {
  it('takes ratios against the baseline and leaves them out without one', () => {
    expect(ratio(600, 1000)).toBe(0.6)
    expect(ratio(600, undefined)).toBeNull()
    expect(ratio(600, 0)).toBeNull()
  })

  it('picks percentiles by nearest rank', () => {
    const samples = Array.from({ length: 100 }, (_, index) => 100 - index)
    expect(percentile(samples, 0.5)).toBe(50)
    expect(percentile(samples, 0.99)).toBe(99)
    expect(percentile([], 0.99)).toBe(0)
  })

  it('combines rounds of a cell into medians and summed counts', () => {
    const combined = combineRounds([load(900, 3), load(1200, 1), load(1000, 2)])
    expect(combined.requestsPerSecond).toBe(1000)
    expect(combined.latencyP99Ms).toBe(2)
    expect(combined.requests).toBe(3000)
  })

  it('checks each goal against the baseline of the same run', () => {
    const checks = checkGoals(
      report([
        target('baseline', 10_000, 4, 80),
        target('standalone', 7_000, 10, 90),
        target('sqlite', 3_000, 16, 90),
        target('express', 6_000, 10, 90),
        target('hono', 7_000, 10, 90),
      ]),
      agents.main,
    )
    const met = Object.fromEntries(checks.map((check) => [check.goal, [check.measured, check.met]]))
    expect(met['no persistence ≥ 0.6× baseline req/s at c=8']).toEqual(['0.70×', true])
    expect(met['SQLite ≥ 0.4× baseline req/s at c=8']).toEqual(['0.30×', false])
    expect(met['express mount ≥ 0.95× standalone req/s at c=8']).toEqual(['0.86×', false])
    expect(met['hono mount ≥ 0.95× standalone req/s at c=8']).toEqual(['1.00×', true])
    expect(met['stream bytes per token ≤ 1.5× baseline (worst target)']).toEqual(['1.13×', true])
    expect(met['p99 at c=64 ≤ 3× baseline p99 (worst target)']).toEqual(['4.00×', false])
  })

  it('reports the leak check as growth from the first reading', () => {
    const standalone = target('standalone', 7_000, 10, 90)
    standalone.leak = {
      firstRequests: 10_000,
      firstRss: 200 * 2 ** 20,
      firstHeapUsed: 20 * 2 ** 20,
      totalRequests: 100_000,
      totalRss: 206 * 2 ** 20,
      totalHeapUsed: 20 * 2 ** 20,
    }
    const check = checkGoals(report([target('baseline', 10_000, 4, 80), standalone]), agents.main).find(
      (entry) => entry.goal.startsWith('standalone: RSS'),
    )
    expect(check).toEqual({
      goal: 'standalone: RSS after 100k ≤ +5% of RSS after 10k',
      measured: '+3.0%',
      met: true,
    })
  })

  it('prints the machine and a ratio column in Markdown tables', () => {
    const text = formatReport(
      report([target('baseline', 10_000, 4, 80), target('standalone', 5_000, 8, 80)]),
      agents,
    )
    expect(text).toContain('2 cores (test cpu)')
    expect(text).toContain('Node v24.0.0')
    expect(text).toContain('| agentgw, no persistence | 8 | 5000 | 0.50× |')
    expect(text).toContain('| no persistence ≥ 0.6× baseline req/s at c=8 | 0.50× | NO |')
  })

  it('splits a recorded event stream into frames, without keepalive comments', () => {
    const text = 'id: 1\nevent: session\ndata: {"a":1}\n\n: keepalive\n\nid: 2\nevent: done\ndata: {}\n\n'
    expect(parseFrames(text)).toEqual([
      { id: '1', event: 'session', data: '{"a":1}' },
      { id: '2', event: 'done', data: '{}' },
    ])
  })
})
