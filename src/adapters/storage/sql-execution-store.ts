import { type Kysely, type Selectable, sql } from 'kysely'
import { GatewayError } from '../../core/errors.ts'
import { terminalStatuses } from '../../core/execution-types.ts'
import type {
  ExecutionRecord,
  ExecutionStepRecord,
  ExecutionStore,
} from '../../core/ports/execution-store.ts'
import type { ExecutionsTable, GatewayDatabase } from './database-schema.ts'
import { decodeCursor, encodeCursor, fromJson, toJson } from './json-columns.ts'
import { sqlExecutionStats } from './sql-execution-stats.ts'

function toRecord(row: Selectable<ExecutionsTable>): ExecutionRecord {
  return {
    id: row.id,
    agentId: row.agent_id,
    status: row.status as ExecutionRecord['status'],
    kind: row.kind as ExecutionRecord['kind'],
    message: row.message,
    input: fromJson(row.input),
    options: fromJson(row.options),
    result: fromJson(row.result),
    error: fromJson(row.error),
    usage: fromJson(row.usage),
    sessionId: row.session_id,
    principalId: row.principal_id,
    parentExecutionId: row.parent_execution_id,
    rootExecutionId: row.root_execution_id,
    ...(row.trace_id ? { traceId: row.trace_id } : {}),
    depth: row.depth,
    attempts: row.attempts,
    createdAt: row.created_at,
    startedAt: row.started_at,
    completedAt: row.completed_at,
    cancelRequestedAt: row.cancel_requested_at,
    ...(row.pending_approval ? { pendingApproval: fromJson(row.pending_approval) } : {}),
    updatedAt: row.updated_at,
  }
}

const terminal = [...terminalStatuses]

/** Executions and steps in SQLite or Postgres. All state changes are conditional updates. */
export function createSqlExecutionStore(db: Kysely<GatewayDatabase>): ExecutionStore {
  return {
    async create(record) {
      await db
        .insertInto('executions')
        .values({
          id: record.id,
          agent_id: record.agentId,
          status: record.status,
          kind: record.kind,
          message: record.message,
          input: toJson(record.input),
          options: toJson(record.options),
          result: record.result ? toJson(record.result) : null,
          error: record.error ? toJson(record.error) : null,
          usage: record.usage ? toJson(record.usage) : null,
          session_id: record.sessionId,
          principal_id: record.principalId,
          parent_execution_id: record.parentExecutionId,
          root_execution_id: record.rootExecutionId,
          trace_id: record.traceId ?? null,
          depth: record.depth,
          attempts: record.attempts,
          created_at: record.createdAt,
          started_at: record.startedAt,
          completed_at: record.completedAt,
          cancel_requested_at: record.cancelRequestedAt,
          pending_approval: record.pendingApproval ? toJson(record.pendingApproval) : null,
          updated_at: record.createdAt,
          cost_usd: record.usage ? record.usage.costUsd : null,
        })
        .execute()
    },

    async get(id) {
      const row = await db.selectFrom('executions').selectAll().where('id', '=', id).executeTakeFirst()
      return row ? toRecord(row) : undefined
    },

    async list(filter) {
      let query = db.selectFrom('executions').selectAll()
      if (filter.agentId !== undefined) query = query.where('agent_id', '=', filter.agentId)
      if (filter.sessionId !== undefined) query = query.where('session_id', '=', filter.sessionId)
      if (filter.status !== undefined) query = query.where('status', '=', filter.status)
      if (filter.rootExecutionId !== undefined)
        query = query.where('root_execution_id', '=', filter.rootExecutionId)
      if (filter.principalId !== undefined) {
        query =
          filter.principalId === null
            ? query.where('principal_id', 'is', null)
            : query.where('principal_id', '=', filter.principalId)
      }
      if (filter.createdFrom !== undefined) query = query.where('created_at', '>=', filter.createdFrom)
      if (filter.createdBefore !== undefined) query = query.where('created_at', '<', filter.createdBefore)
      if (filter.minCostUsd !== undefined) query = query.where('cost_usd', '>=', filter.minCostUsd)
      if (filter.maxCostUsd !== undefined) query = query.where('cost_usd', '<=', filter.maxCostUsd)
      if (filter.cursor !== undefined) {
        const cursor = decodeCursor(filter.cursor)
        if (!cursor) throw new GatewayError('bad_request', { message: 'The cursor is invalid.' })
        const [createdAt, id] = cursor
        query = query.where((eb) =>
          eb.or([
            eb('created_at', '<', createdAt),
            eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)]),
          ]),
        )
      }
      const rows = await query
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(filter.limit + 1)
        .execute()
      const page = rows.slice(0, filter.limit)
      const last = page.at(-1)
      return {
        items: page.map(toRecord),
        nextCursor: rows.length > filter.limit && last ? encodeCursor([last.created_at, last.id]) : null,
      }
    },

    async markRunning(id, at) {
      const result = await db
        .updateTable('executions')
        .set((eb) => ({
          status: 'running',
          started_at: eb.fn.coalesce('started_at', eb.val(at)),
          attempts: eb('attempts', '+', 1),
          updated_at: at,
        }))
        .where('id', '=', id)
        .where('status', 'in', ['queued', 'running'])
        .executeTakeFirst()
      return Number(result.numUpdatedRows) > 0
    },

    async finish(id, update) {
      const result = await db
        .updateTable('executions')
        .set({
          status: update.status,
          result: update.result ? toJson(update.result) : null,
          error: update.error ? toJson(update.error) : null,
          usage: update.usage ? toJson(update.usage) : null,
          cost_usd: update.usage ? update.usage.costUsd : null,
          completed_at: update.at,
          updated_at: update.at,
        })
        .where('id', '=', id)
        .where('status', 'not in', terminal)
        .executeTakeFirst()
      return Number(result.numUpdatedRows) > 0
    },

    async awaitApproval(id, pending, usage, at) {
      const result = await db
        .updateTable('executions')
        .set({
          status: 'awaiting_approval',
          pending_approval: toJson(pending),
          usage: toJson(usage),
          updated_at: at,
        })
        .where('id', '=', id)
        .where('status', '=', 'running')
        .executeTakeFirst()
      return Number(result.numUpdatedRows) > 0
    },

    async resumeFromApproval(id, at) {
      const result = await db
        .updateTable('executions')
        .set({ status: 'queued', pending_approval: null, updated_at: at })
        .where('id', '=', id)
        .where('status', '=', 'awaiting_approval')
        .executeTakeFirst()
      return Number(result.numUpdatedRows) > 0
    },

    async requestCancel(id, at) {
      const cancelled = await db
        .updateTable('executions')
        .set({
          status: 'cancelled',
          error: toJson({ code: 'cancelled', message: 'The execution was cancelled before it started.' }),
          completed_at: at,
          cancel_requested_at: at,
          updated_at: at,
        })
        .where('id', '=', id)
        .where('status', 'in', ['queued', 'awaiting_approval'])
        .executeTakeFirst()
      if (Number(cancelled.numUpdatedRows) > 0) return 'cancelled'
      const requested = await db
        .updateTable('executions')
        .set({ cancel_requested_at: at, updated_at: at })
        .where('id', '=', id)
        .where('status', '=', 'running')
        .executeTakeFirst()
      if (Number(requested.numUpdatedRows) > 0) return 'cancel_requested'
      const existing = await db
        .selectFrom('executions')
        .select('status')
        .where('id', '=', id)
        .executeTakeFirst()
      return existing ? 'terminal' : 'not_found'
    },

    async appendSteps(id, steps) {
      if (steps.length === 0) return []
      const [single] = steps
      if (steps.length === 1 && single) {
        // The usual batch: one statement, atomic on its own, numbers the step after the last
        // one — instead of a transaction of four statements (a third of SQLite's share of a run).
        const inserted = await db
          .insertInto('execution_steps')
          .values((eb) => ({
            execution_id: id,
            sequence: eb
              .selectFrom('execution_steps')
              .select(sql<number>`coalesce(max(${eb.ref('sequence')}), 0) + 1`.as('next'))
              .where('execution_id', '=', id),
            type: single.type,
            data: toJson(single.data),
            duration_ms: single.durationMs,
            attempt: single.attempt,
            created_at: single.createdAt,
          }))
          .returning('sequence')
          .executeTakeFirstOrThrow()
        return [{ ...single, executionId: id, sequence: Number(inserted.sequence) }]
      }
      return db.transaction().execute(async (transaction) => {
        const last = await transaction
          .selectFrom('execution_steps')
          .select((eb) => eb.fn.max('sequence').as('sequence'))
          .where('execution_id', '=', id)
          .executeTakeFirst()
        const start = Number(last?.sequence ?? 0)
        const records: ExecutionStepRecord[] = steps.map((step, index) => ({
          ...step,
          executionId: id,
          sequence: start + index + 1,
        }))
        await transaction
          .insertInto('execution_steps')
          .values(
            records.map((step) => ({
              execution_id: id,
              sequence: step.sequence,
              type: step.type,
              data: toJson(step.data),
              duration_ms: step.durationMs,
              attempt: step.attempt,
              created_at: step.createdAt,
            })),
          )
          .execute()
        return records
      })
    },

    async appendJournal(id, entry, attempt, at) {
      await db
        .insertInto('execution_journal')
        .values((eb) => ({
          execution_id: id,
          sequence: eb
            .selectFrom('execution_journal')
            .select(sql<number>`coalesce(max(${eb.ref('sequence')}), 0) + 1`.as('next'))
            .where('execution_id', '=', id),
          attempt,
          entry: toJson(entry),
          created_at: at,
        }))
        .execute()
    },

    async listJournal(id) {
      const rows = await db
        .selectFrom('execution_journal')
        .selectAll()
        .where('execution_id', '=', id)
        .orderBy('sequence')
        .execute()
      return rows.map((row) => ({
        sequence: Number(row.sequence),
        attempt: row.attempt,
        entry: fromJson(row.entry),
        createdAt: Number(row.created_at),
      }))
    },

    async listSteps(id, afterSequence = 0) {
      const rows = await db
        .selectFrom('execution_steps')
        .selectAll()
        .where('execution_id', '=', id)
        .where('sequence', '>', afterSequence)
        .orderBy('sequence')
        .limit(5000)
        .execute()
      return rows.map((row) => ({
        executionId: row.execution_id,
        sequence: row.sequence,
        type: row.type as ExecutionStepRecord['type'],
        data: fromJson(row.data),
        durationMs: row.duration_ms,
        attempt: row.attempt,
        createdAt: row.created_at,
      }))
    },

    async touch(id, at) {
      await db
        .updateTable('executions')
        .set({ updated_at: at })
        .where('id', '=', id)
        .where('status', '=', 'running')
        .execute()
    },

    async listStale(before, limit) {
      const rows = await db
        .selectFrom('executions')
        .selectAll()
        .where('status', '=', 'running')
        .where('updated_at', '<', before)
        .orderBy('updated_at')
        .limit(limit)
        .execute()
      return rows.map(toRecord)
    },

    stats: (filter) => sqlExecutionStats(db, filter),

    async pruneFinished(rule) {
      const statuses = rule.statuses.filter((status) => terminalStatuses.includes(status))
      if (statuses.length === 0 || rule.limit <= 0) return 0
      return db.transaction().execute(async (transaction) => {
        // `created_at <= completed_at`, so the created_at bound selects the same rows and lets
        // the (status, created_at) index narrow the scan.
        const rows = await transaction
          .selectFrom('executions')
          .select('id')
          .where('status', 'in', statuses)
          .where('created_at', '<', rule.completedBefore)
          .where('completed_at', '<', rule.completedBefore)
          .limit(rule.limit)
          .execute()
        if (rows.length === 0) return 0
        // The status condition again: a row is only ever deleted while terminal.
        const deleted = await transaction
          .deleteFrom('executions')
          .where(
            'id',
            'in',
            rows.map((row) => row.id),
          )
          .where('status', 'in', statuses)
          .returning('id')
          .execute()
        const ids = deleted.map((row) => row.id)
        if (ids.length === 0) return 0
        await transaction.deleteFrom('execution_steps').where('execution_id', 'in', ids).execute()
        await transaction.deleteFrom('execution_journal').where('execution_id', 'in', ids).execute()
        return ids.length
      })
    },
  }
}
