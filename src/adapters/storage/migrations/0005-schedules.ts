import type { Kysely } from 'kysely'
import type { MigrationContext } from './migration-context.ts'

/**
 * Schedules (from AGENT.md, admins and users) and their runs. A tick is claimed by a
 * compare-and-set on `schedules.next_run_at`; `schedule_runs.run_key` is unique per tick as a
 * second guard, so two instances never record the same tick twice.
 */
export function schedulesMigration(context: MigrationContext) {
  const name = (base: string) => `${context.prefix}${base}`
  const time = 'bigint' as const
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable(name('schedules'))
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('agent_id', 'text', (column) => column.notNull())
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('source', 'text', (column) => column.notNull())
        .addColumn('owner_id', 'text')
        .addColumn('run_as', 'text', (column) => column.notNull())
        .addColumn('cron', 'text', (column) => column.notNull())
        .addColumn('timezone', 'text')
        .addColumn('message', 'text', (column) => column.notNull())
        .addColumn('input', 'text', (column) => column.notNull())
        .addColumn('instructions', 'text')
        .addColumn('notify', 'text')
        .addColumn('enabled', 'integer', (column) => column.notNull())
        .addColumn('misfire_grace_seconds', 'integer')
        .addColumn('coalesce', 'integer')
        .addColumn('max_instances', 'integer')
        .addColumn('next_run_at', time)
        .addColumn('last_run_at', time)
        .addColumn('created_at', time, (column) => column.notNull())
        .addColumn('updated_at', time, (column) => column.notNull())
        .execute()
      await db.schema
        .createIndex(name('schedules_due'))
        .on(name('schedules'))
        .columns(['enabled', 'next_run_at'])
        .execute()
      await db.schema
        .createIndex(name('schedules_owner'))
        .on(name('schedules'))
        .columns(['owner_id'])
        .execute()

      await db.schema
        .createTable(name('schedule_runs'))
        .addColumn('run_key', 'text', (column) => column.primaryKey())
        .addColumn('schedule_id', 'text', (column) => column.notNull())
        .addColumn('trigger', 'text', (column) => column.notNull())
        .addColumn('fire_time', time, (column) => column.notNull())
        .addColumn('status', 'text', (column) => column.notNull())
        .addColumn('execution_id', 'text')
        .addColumn('reason', 'text')
        .addColumn('created_at', time, (column) => column.notNull())
        .execute()
      await db.schema
        .createIndex(name('schedule_runs_schedule'))
        .on(name('schedule_runs'))
        .columns(['schedule_id', 'fire_time'])
        .execute()
    },
    async down(db: Kysely<unknown>) {
      for (const table of ['schedule_runs', 'schedules']) {
        await db.schema.dropTable(name(table)).ifExists().execute()
      }
    },
  }
}
