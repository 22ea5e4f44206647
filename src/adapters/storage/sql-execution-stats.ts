import { type Kysely, sql } from 'kysely'
import type { ExecutionStats, ExecutionStatsFilter } from '../../core/ports/execution-store.ts'
import type { GatewayDatabase } from './database-schema.ts'

const dayMs = 86_400_000

/**
 * Execution aggregates in SQL, the same statements for SQLite and Postgres: days are
 * `created_at / 86400000` (integer division of epoch milliseconds, so UTC days).
 */
export async function sqlExecutionStats(
  db: Kysely<GatewayDatabase>,
  filter: ExecutionStatsFilter,
): Promise<ExecutionStats> {
  let base = db.selectFrom('executions').where('created_at', '>=', filter.since)
  if (filter.principalId !== undefined) {
    base =
      filter.principalId === null
        ? base.where('principal_id', 'is', null)
        : base.where('principal_id', '=', filter.principalId)
  }
  const completed = sql<number>`sum(case when status = 'completed' then 1 else 0 end)`
  const cost = sql<number>`coalesce(sum(cost_usd), 0)`
  const totals = await base
    .select((eb) => [
      eb.fn.countAll<number>().as('total'),
      completed.as('completed'),
      sql<number>`sum(case when status in ('failed', 'timeout') then 1 else 0 end)`.as('failed'),
      cost.as('cost'),
      sql<
        number | null
      >`avg(case when completed_at is not null and started_at is not null then completed_at - started_at end)`.as(
        'duration',
      ),
    ])
    .executeTakeFirst()
  const day = sql<number>`created_at / ${sql.lit(dayMs)}`
  const byDay = await base
    .select([
      day.as('day'),
      (eb) => eb.fn.countAll<number>().as('executions'),
      completed.as('completed'),
      cost.as('cost'),
    ])
    .groupBy(day)
    .orderBy(day)
    .execute()
  const byAgent = await base
    .select([
      'agent_id',
      (eb) => eb.fn.countAll<number>().as('executions'),
      completed.as('completed'),
      cost.as('cost'),
    ])
    .groupBy('agent_id')
    .orderBy(cost, 'desc')
    .orderBy('agent_id')
    .limit(50)
    .execute()
  const duration = totals?.duration
  return {
    total: Number(totals?.total ?? 0),
    completed: Number(totals?.completed ?? 0),
    failed: Number(totals?.failed ?? 0),
    costUsd: Number(totals?.cost ?? 0),
    averageDurationMs: duration === null || duration === undefined ? null : Number(duration),
    byDay: byDay.map((row) => ({
      day: Math.floor(Number(row.day)) * dayMs,
      executions: Number(row.executions),
      completed: Number(row.completed),
      costUsd: Number(row.cost),
    })),
    byAgent: byAgent.map((row) => ({
      agentId: row.agent_id,
      executions: Number(row.executions),
      completed: Number(row.completed),
      costUsd: Number(row.cost),
    })),
  }
}
