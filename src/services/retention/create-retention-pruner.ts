import type { Logger } from '../../core/logger.ts'
import type { ExecutionStore } from '../../core/ports/execution-store.ts'
import type { LeaseStore } from '../../core/ports/lease-store.ts'
import type { SessionStore } from '../../core/ports/session-store.ts'
import type { RetentionRules } from './retention-rules.ts'

export interface RetentionPrunerOptions {
  executions: ExecutionStore
  sessions: SessionStore
  /** Without leases (one process, in-memory storage) this instance always prunes. */
  leases: LeaseStore | undefined
  /** This instance's lease holder name. */
  instanceId: string
  rules: RetentionRules
  logger: Logger
  /** How often to prune. */
  intervalMs: number
  /** Rows per transaction. */
  batchSize: number
  /** The clock cutoffs are computed from. @default Date.now */
  now?: () => number
  /** Runs after a round that deleted something (e.g. SQLite's incremental vacuum). */
  afterRound?: (() => Promise<void>) | undefined
}

/** What one round deleted. */
export interface PruneResult {
  executions: number
  sessions: number
}

export interface RetentionPruner {
  /**
   * One round, when this instance holds the retention lease: deletes in batches of `batchSize`
   * until nothing past its window is left; `undefined` when another instance holds the lease.
   */
  prune(): Promise<PruneResult | undefined>
  start(): void
  stop(): Promise<void>
}

const leaseName = 'retention-pruner'
/** Lets requests run between two batches. */
const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve))

/**
 * Deletes what `persistence.retention` no longer keeps, on one instance at a time (the
 * `retention-pruner` lease), in small batches — one short transaction each, with the event loop
 * free between them — so pruning never holds up requests.
 */
export function createRetentionPruner(options: RetentionPrunerOptions): RetentionPruner {
  const { executions, sessions, leases, instanceId, rules, logger, batchSize } = options
  const now = options.now ?? Date.now
  const leaseMs = Math.max(3 * options.intervalMs, 60_000)
  let timer: NodeJS.Timeout | undefined
  let round: Promise<unknown> = Promise.resolve()
  let busy = false
  let stopping = false

  const holdsLease = async () => !leases || (await leases.acquire(leaseName, instanceId, leaseMs))

  /** Repeats `batch` until it deletes less than a full batch; renews the lease as it goes. */
  async function drain(batch: () => Promise<number>): Promise<number> {
    let total = 0
    for (;;) {
      if (stopping) return total
      const deleted = await batch()
      total += deleted
      if (deleted < batchSize) return total
      await yieldToRequests()
      if (!(await holdsLease())) return total
    }
  }

  async function prune(): Promise<PruneResult | undefined> {
    if (!(await holdsLease())) return undefined
    const at = now()
    const result: PruneResult = { executions: 0, sessions: 0 }
    for (const rule of rules.executions) {
      result.executions += await drain(() =>
        executions.pruneFinished({
          statuses: [rule.status],
          completedBefore: at - rule.keepMs,
          limit: batchSize,
        }),
      )
    }
    const idleMs = rules.sessionsIdleMs
    if (idleMs !== undefined) result.sessions = await drain(() => sessions.pruneIdle(at - idleMs, batchSize))
    if (result.executions + result.sessions > 0) {
      logger.info({ ...result }, 'pruned executions and sessions past their retention window')
      await options.afterRound?.()
    }
    return result
  }

  return {
    prune,
    start() {
      if (timer) return
      stopping = false
      timer = setInterval(() => {
        if (busy) return
        busy = true
        round = prune()
          .finally(() => {
            busy = false
          })
          .catch((error: unknown) => logger.warn({ err: error }, 'pruning past the retention window failed'))
      }, options.intervalMs)
      timer.unref?.()
    },
    async stop() {
      stopping = true
      clearInterval(timer)
      timer = undefined
      await round
      await leases?.release(leaseName, instanceId).catch(() => undefined)
    },
  }
}
