import type { Kysely } from 'kysely'
import type { MigrationContext } from './migration-context.ts'

/** The notification delivery log: one row per delivery and one per attempt. */
export function notificationDeliveriesMigration(context: MigrationContext) {
  const name = (base: string) => `${context.prefix}${base}`
  const time = 'bigint' as const
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable(name('notification_deliveries'))
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('execution_id', 'text', (column) => column.notNull())
        .addColumn('agent_id', 'text', (column) => column.notNull())
        .addColumn('principal_id', 'text')
        .addColumn('event', 'text', (column) => column.notNull())
        .addColumn('channel', 'text', (column) => column.notNull())
        .addColumn('target', 'text', (column) => column.notNull())
        .addColumn('body', 'text', (column) => column.notNull())
        .addColumn('status', 'text', (column) => column.notNull())
        .addColumn('attempts', 'integer', (column) => column.notNull())
        .addColumn('last_allowed_attempt', 'integer', (column) => column.notNull())
        .addColumn('last_status_code', 'integer')
        .addColumn('last_error', 'text')
        .addColumn('next_attempt_at', time)
        .addColumn('created_at', time, (column) => column.notNull())
        .addColumn('updated_at', time, (column) => column.notNull())
        .addColumn('delivered_at', time)
        .execute()
      await db.schema
        .createIndex(name('notification_deliveries_created'))
        .on(name('notification_deliveries'))
        .columns(['created_at', 'id'])
        .execute()
      await db.schema
        .createIndex(name('notification_deliveries_execution'))
        .on(name('notification_deliveries'))
        .columns(['execution_id'])
        .execute()
      await db.schema
        .createTable(name('notification_delivery_attempts'))
        .addColumn('delivery_id', 'text', (column) => column.notNull())
        .addColumn('attempt', 'integer', (column) => column.notNull())
        .addColumn('status_code', 'integer')
        .addColumn('latency_ms', 'integer', (column) => column.notNull())
        .addColumn('error', 'text')
        .addColumn('at', time, (column) => column.notNull())
        .addPrimaryKeyConstraint(name('notification_delivery_attempts_pk'), ['delivery_id', 'attempt'])
        .execute()
    },
    async down(db: Kysely<unknown>) {
      for (const table of ['notification_delivery_attempts', 'notification_deliveries']) {
        await db.schema.dropTable(name(table)).ifExists().execute()
      }
    },
  }
}
