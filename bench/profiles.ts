import type { TargetKind } from './protocol.ts'

/** How long and how hard one bench run measures. */
export interface BenchProfile {
  name: 'quick' | 'default' | 'full'
  /** Seconds of load before the measured cells of each target (JIT warm-up). */
  warmupSeconds: number
  /** Concurrencies of the non-streaming invoke cells. */
  concurrencies: number[]
  /** Non-streaming cells run in this many rounds, targets taking turns; each reports the median. */
  loadRounds: number
  /** Seconds of one round of one cell. */
  roundSeconds: number
  /** Connections and seconds per streaming variant. */
  streamConnections: number
  streamSeconds: number
  /** RSS is read after `leakFirst` requests and again after `leakTotal`, in the same process. */
  leakFirst: number
  leakTotal: number
  /** Targets that get the leak check (it takes tens of seconds each). */
  leakTargets: TargetKind[]
  /** Event streams held open at once, and for how long. */
  holdStreams: number
  holdSeconds: number
  /** Keepalive interval for the held streams. */
  holdKeepaliveSeconds: number
  /** The run is stopped (children killed) if it takes longer than this. */
  timeLimitSeconds: number
}

/** The agents every target serves; the baseline replays their recorded replies. */
export const benchAgents = {
  /** 20 tokens, no delay: the main reply. */
  main: 'echo-20',
  long: 'echo-200',
  paced: 'echo-20-paced',
  /** Waits minutes before its first token: for held streams. */
  hold: 'hold',
} as const

const quick: BenchProfile = {
  name: 'quick',
  warmupSeconds: 0.5,
  concurrencies: [1, 8, 64],
  loadRounds: 1,
  roundSeconds: 1,
  streamConnections: 8,
  streamSeconds: 1,
  leakFirst: 2_000,
  leakTotal: 10_000,
  leakTargets: ['standalone'],
  holdStreams: 200,
  holdSeconds: 3,
  holdKeepaliveSeconds: 1,
  timeLimitSeconds: 180,
}

const standard: BenchProfile = {
  name: 'default',
  warmupSeconds: 1,
  concurrencies: [1, 8, 64],
  loadRounds: 3,
  roundSeconds: 1,
  streamConnections: 8,
  streamSeconds: 1.5,
  leakFirst: 10_000,
  leakTotal: 100_000,
  leakTargets: ['standalone'],
  holdStreams: 1000,
  holdSeconds: 6,
  holdKeepaliveSeconds: 1,
  timeLimitSeconds: 300,
}

const full: BenchProfile = {
  name: 'full',
  warmupSeconds: 3,
  concurrencies: [1, 8, 64],
  loadRounds: 5,
  roundSeconds: 2,
  streamConnections: 8,
  streamSeconds: 5,
  leakFirst: 10_000,
  leakTotal: 100_000,
  leakTargets: ['baseline', 'standalone', 'sqlite', 'postgres', 'express', 'hono'],
  holdStreams: 1000,
  holdSeconds: 20,
  holdKeepaliveSeconds: 1,
  timeLimitSeconds: 1800,
}

/** `--quick`, `--full`, or the default profile. */
export function profileFromArgs(args: readonly string[]): BenchProfile {
  if (args.includes('--full')) return full
  if (args.includes('--quick')) return quick
  return standard
}
