import type { Kysely, Selectable } from 'kysely'
import type { ScheduleRecord, ScheduleRunRecord, ScheduleStore } from '../../core/ports/schedule-store.ts'
import { scheduleRunKey } from '../../core/schedules/run-key.ts'
import type { GatewayDatabase, ScheduleRunsTable, SchedulesTable } from './database-schema.ts'
import { fromJson, toJson } from './json-columns.ts'

const toFlag = (value: boolean | null) => (value === null ? null : value ? 1 : 0)
const toNumber = (value: number | string | null) => (value === null ? null : Number(value))

function toRecord(row: Selectable<SchedulesTable>): ScheduleRecord {
  return {
    id: row.id,
    agentId: row.agent_id,
    name: row.name,
    source: row.source as ScheduleRecord['source'],
    ownerId: row.owner_id,
    runAs: fromJson(row.run_as),
    cron: row.cron,
    timezone: row.timezone,
    message: row.message,
    input: fromJson(row.input),
    instructions: row.instructions,
    notify: fromJson(row.notify),
    enabled: Boolean(row.enabled),
    misfireGraceSeconds: toNumber(row.misfire_grace_seconds),
    coalesce: row.coalesce === null ? null : Boolean(row.coalesce),
    maxInstances: toNumber(row.max_instances),
    nextRunAt: toNumber(row.next_run_at),
    lastRunAt: toNumber(row.last_run_at),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  }
}

function toRun(row: Selectable<ScheduleRunsTable>): ScheduleRunRecord {
  return {
    scheduleId: row.schedule_id,
    trigger: row.trigger as ScheduleRunRecord['trigger'],
    fireTime: Number(row.fire_time),
    status: row.status as ScheduleRunRecord['status'],
    executionId: row.execution_id,
    reason: row.reason,
    createdAt: Number(row.created_at),
  }
}

/** The columns a patch may set, as the table names them. */
function toColumns(patch: Partial<ScheduleRecord>): Partial<SchedulesTable> {
  const columns: Partial<SchedulesTable> = {}
  if (patch.cron !== undefined) columns.cron = patch.cron
  if (patch.timezone !== undefined) columns.timezone = patch.timezone
  if (patch.message !== undefined) columns.message = patch.message
  if (patch.input !== undefined) columns.input = toJson(patch.input)
  if (patch.instructions !== undefined) columns.instructions = patch.instructions
  if (patch.notify !== undefined) columns.notify = patch.notify === null ? null : toJson(patch.notify)
  if (patch.enabled !== undefined) columns.enabled = patch.enabled ? 1 : 0
  if (patch.misfireGraceSeconds !== undefined) columns.misfire_grace_seconds = patch.misfireGraceSeconds
  if (patch.coalesce !== undefined) columns.coalesce = toFlag(patch.coalesce)
  if (patch.maxInstances !== undefined) columns.max_instances = patch.maxInstances
  if (patch.nextRunAt !== undefined) columns.next_run_at = patch.nextRunAt
  if (patch.lastRunAt !== undefined) columns.last_run_at = patch.lastRunAt
  return columns
}

/** Schedules and runs in SQLite or Postgres; the claim is one conditional `UPDATE`. */
export function createSqlScheduleStore(db: Kysely<GatewayDatabase>): ScheduleStore {
  return {
    async list(filter = {}) {
      let query = db.selectFrom('schedules').selectAll()
      if (filter.ownerId !== undefined) query = query.where('owner_id', '=', filter.ownerId)
      return (await query.orderBy('id').execute()).map(toRecord)
    },
    async get(id) {
      const row = await db.selectFrom('schedules').selectAll().where('id', '=', id).executeTakeFirst()
      return row ? toRecord(row) : undefined
    },
    async create(record) {
      const result = await db
        .insertInto('schedules')
        .values({
          id: record.id,
          agent_id: record.agentId,
          name: record.name,
          source: record.source,
          owner_id: record.ownerId,
          run_as: toJson(record.runAs),
          cron: record.cron,
          timezone: record.timezone,
          message: record.message,
          input: toJson(record.input),
          instructions: record.instructions,
          notify: record.notify === null ? null : toJson(record.notify),
          enabled: record.enabled ? 1 : 0,
          misfire_grace_seconds: record.misfireGraceSeconds,
          coalesce: toFlag(record.coalesce),
          max_instances: record.maxInstances,
          next_run_at: record.nextRunAt,
          last_run_at: record.lastRunAt,
          created_at: record.createdAt,
          updated_at: record.createdAt,
        })
        .onConflict((conflict) => conflict.column('id').doNothing())
        .executeTakeFirst()
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0
    },
    async update(id, patch, at) {
      await db
        .updateTable('schedules')
        .set({ ...toColumns(patch), updated_at: at })
        .where('id', '=', id)
        .execute()
      const row = await db.selectFrom('schedules').selectAll().where('id', '=', id).executeTakeFirst()
      return row ? toRecord(row) : undefined
    },
    async delete(id) {
      await db.deleteFrom('schedule_runs').where('schedule_id', '=', id).execute()
      const result = await db.deleteFrom('schedules').where('id', '=', id).executeTakeFirst()
      return Number(result.numDeletedRows) > 0
    },
    async listDue(until, limit) {
      const rows = await db
        .selectFrom('schedules')
        .selectAll()
        .where('enabled', '=', 1)
        .where('next_run_at', 'is not', null)
        .where('next_run_at', '<=', until)
        .orderBy('next_run_at')
        .orderBy('id')
        .limit(limit)
        .execute()
      return rows.map(toRecord)
    },
    async claim(id, expectedNextRunAt, next, lastRunAt, at) {
      const result = await db
        .updateTable('schedules')
        .set({ next_run_at: next, last_run_at: lastRunAt, updated_at: at })
        .where('id', '=', id)
        .where('enabled', '=', 1)
        .where('next_run_at', '=', expectedNextRunAt)
        .executeTakeFirst()
      return Number(result.numUpdatedRows) === 1
    },
    async recordRun(run) {
      const result = await db
        .insertInto('schedule_runs')
        .values({
          run_key: scheduleRunKey(run),
          schedule_id: run.scheduleId,
          trigger: run.trigger,
          fire_time: run.fireTime,
          status: run.status,
          execution_id: run.executionId,
          reason: run.reason,
          created_at: run.createdAt,
        })
        .onConflict((conflict) => conflict.column('run_key').doNothing())
        .executeTakeFirst()
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0
    },
    async listRuns(scheduleId, limit) {
      const rows = await db
        .selectFrom('schedule_runs')
        .selectAll()
        .where('schedule_id', '=', scheduleId)
        .orderBy('fire_time', 'desc')
        .orderBy('created_at', 'desc')
        .limit(limit)
        .execute()
      return rows.map(toRun)
    },
  }
}
