import type { ExecutionRecord, ExecutionStats } from '../../core/ports/execution-store.ts'

const dayMs = 86_400_000

type Bucket = { executions: number; completed: number; costUsd: number }

/** The aggregates of `ExecutionStore.stats()` over records in memory (persistence disabled). */
export function computeExecutionStats(records: readonly ExecutionRecord[]): ExecutionStats {
  const days = new Map<number, Bucket>()
  const agents = new Map<string, Bucket>()
  let completed = 0
  let failed = 0
  let costUsd = 0
  let durationSum = 0
  let durationCount = 0
  const add = <K>(map: Map<K, Bucket>, key: K, record: ExecutionRecord) => {
    const bucket = map.get(key) ?? { executions: 0, completed: 0, costUsd: 0 }
    bucket.executions++
    if (record.status === 'completed') bucket.completed++
    bucket.costUsd += record.usage?.costUsd ?? 0
    map.set(key, bucket)
  }
  for (const record of records) {
    if (record.status === 'completed') completed++
    if (record.status === 'failed' || record.status === 'timeout') failed++
    costUsd += record.usage?.costUsd ?? 0
    if (record.completedAt !== null && record.startedAt !== null) {
      durationSum += record.completedAt - record.startedAt
      durationCount++
    }
    add(days, Math.floor(record.createdAt / dayMs) * dayMs, record)
    add(agents, record.agentId, record)
  }
  return {
    total: records.length,
    completed,
    failed,
    costUsd,
    averageDurationMs: durationCount > 0 ? durationSum / durationCount : null,
    byDay: [...days.entries()].sort(([a], [b]) => a - b).map(([day, bucket]) => ({ day, ...bucket })),
    byAgent: [...agents.entries()]
      .sort(([a, x], [b, y]) => y.costUsd - x.costUsd || (a < b ? -1 : 1))
      .slice(0, 50)
      .map(([agentId, bucket]) => ({ agentId, ...bucket })),
  }
}
