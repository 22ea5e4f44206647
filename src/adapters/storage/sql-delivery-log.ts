import type { Kysely, Selectable } from 'kysely'
import type {
  DeliveryAttemptRecord,
  DeliveryChannel,
  DeliveryLog,
  DeliveryRecord,
  DeliveryStatus,
} from '../../core/ports/delivery-log.ts'
import type { GatewayDatabase, NotificationDeliveriesTable } from './database-schema.ts'

function toRecord(row: Selectable<NotificationDeliveriesTable>): DeliveryRecord {
  return {
    id: row.id,
    executionId: row.execution_id,
    agentId: row.agent_id,
    principalId: row.principal_id,
    event: row.event,
    channel: row.channel as DeliveryChannel,
    target: row.target,
    body: row.body,
    status: row.status as DeliveryStatus,
    attempts: Number(row.attempts),
    lastAllowedAttempt: Number(row.last_allowed_attempt),
    lastStatusCode: row.last_status_code === null ? null : Number(row.last_status_code),
    lastError: row.last_error,
    nextAttemptAt: row.next_attempt_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deliveredAt: row.delivered_at,
  }
}

/** The delivery log in the gateway's database; every change is one conditional statement. */
export function createSqlDeliveryLog(db: Kysely<GatewayDatabase>): DeliveryLog {
  const get = async (id: string) => {
    const row = await db
      .selectFrom('notification_deliveries')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    return row ? toRecord(row) : undefined
  }
  return {
    async create(record) {
      const result = await db
        .insertInto('notification_deliveries')
        .values({
          id: record.id,
          execution_id: record.executionId,
          agent_id: record.agentId,
          principal_id: record.principalId,
          event: record.event,
          channel: record.channel,
          target: record.target,
          body: record.body,
          status: record.status,
          attempts: record.attempts,
          last_allowed_attempt: record.lastAllowedAttempt,
          last_status_code: record.lastStatusCode,
          last_error: record.lastError,
          next_attempt_at: record.nextAttemptAt,
          created_at: record.createdAt,
          updated_at: record.updatedAt,
          delivered_at: record.deliveredAt,
        })
        .onConflict((conflict) => conflict.column('id').doNothing())
        .executeTakeFirst()
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0
    },
    get,
    async list(filter) {
      let query = db.selectFrom('notification_deliveries')
      if (filter.status) query = query.where('status', '=', filter.status)
      if (filter.agentId) query = query.where('agent_id', '=', filter.agentId)
      if (filter.channel) query = query.where('channel', '=', filter.channel)
      if (filter.executionId) query = query.where('execution_id', '=', filter.executionId)
      if (filter.event) query = query.where('event', '=', filter.event)
      if (filter.principalId === null) query = query.where('principal_id', 'is', null)
      else if (filter.principalId !== undefined) query = query.where('principal_id', '=', filter.principalId)
      const [rows, count] = await Promise.all([
        query
          .selectAll()
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .limit(filter.limit)
          .offset(filter.offset)
          .execute(),
        query.select((eb) => eb.fn.countAll().as('total')).executeTakeFirst(),
      ])
      return { items: rows.map(toRecord), total: Number(count?.total ?? 0) }
    },
    async recordAttempt(id, outcome) {
      const { attempt } = outcome
      // The conditional update decides which caller owns the attempt; only that one writes its row.
      // (No transaction: two SQLite connections upgrading read locks would deadlock.)
      {
        const updated = await db
          .updateTable('notification_deliveries')
          .set({
            status: outcome.status,
            attempts: attempt.attempt,
            last_status_code: attempt.statusCode,
            last_error: attempt.error,
            next_attempt_at: outcome.nextAttemptAt,
            updated_at: attempt.at,
            ...(outcome.status === 'delivered' ? { delivered_at: attempt.at } : {}),
          })
          .where('id', '=', id)
          .where('status', '=', 'pending')
          .where('attempts', '=', attempt.attempt - 1)
          .executeTakeFirst()
        if (Number(updated.numUpdatedRows) === 0) return false
        await db
          .insertInto('notification_delivery_attempts')
          .values({
            delivery_id: id,
            attempt: attempt.attempt,
            status_code: attempt.statusCode,
            latency_ms: Math.round(attempt.latencyMs),
            error: attempt.error,
            at: attempt.at,
          })
          .execute()
        return true
      }
    },
    async listAttempts(id) {
      const rows = await db
        .selectFrom('notification_delivery_attempts')
        .selectAll()
        .where('delivery_id', '=', id)
        .orderBy('attempt', 'asc')
        .execute()
      return rows.map(
        (row): DeliveryAttemptRecord => ({
          deliveryId: row.delivery_id,
          attempt: Number(row.attempt),
          statusCode: row.status_code === null ? null : Number(row.status_code),
          latencyMs: Number(row.latency_ms),
          error: row.error,
          at: row.at,
        }),
      )
    },
    async reopen(id, allowedAttempts, at) {
      const updated = await db
        .updateTable('notification_deliveries')
        .set((eb) => ({
          status: 'pending',
          last_allowed_attempt: eb('attempts', '+', allowedAttempts),
          next_attempt_at: at,
          updated_at: at,
        }))
        .where('id', '=', id)
        .where('status', '!=', 'pending')
        .executeTakeFirst()
      if (Number(updated.numUpdatedRows) === 0) return undefined
      return get(id)
    },
  }
}
