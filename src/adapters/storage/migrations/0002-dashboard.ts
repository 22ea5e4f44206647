import { type Kysely, sql } from 'kysely'
import type { MigrationContext } from './migration-context.ts'

/**
 * Dashboard sessions, shared secrets (the cookie-signing key), agent overrides made in the
 * dashboard, failed-login counters, and a `cost_usd` column on executions for SQL filters and sums.
 */
export function dashboardMigration(context: MigrationContext) {
  const name = (base: string) => `${context.prefix}${base}`
  const time = 'bigint' as const
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable(name('dashboard_sessions'))
        .addColumn('id_hash', 'text', (column) => column.primaryKey())
        .addColumn('principal_id', 'text', (column) => column.notNull())
        .addColumn('username', 'text', (column) => column.notNull())
        .addColumn('display_name', 'text', (column) => column.notNull())
        .addColumn('email', 'text')
        .addColumn('subject', 'text')
        .addColumn('auth_method', 'text', (column) => column.notNull())
        .addColumn('role', 'text', (column) => column.notNull())
        .addColumn('csrf_token', 'text', (column) => column.notNull())
        .addColumn('created_at', time, (column) => column.notNull())
        .addColumn('expires_at', time, (column) => column.notNull())
        .execute()
      await db.schema
        .createIndex(name('dashboard_sessions_expires'))
        .on(name('dashboard_sessions'))
        .columns(['expires_at'])
        .execute()

      await db.schema
        .createTable(name('gateway_secrets'))
        .addColumn('name', 'text', (column) => column.primaryKey())
        .addColumn('value', 'text', (column) => column.notNull())
        .addColumn('created_at', time, (column) => column.notNull())
        .execute()

      await db.schema
        .createTable(name('agent_overrides'))
        .addColumn('agent_id', 'text', (column) => column.primaryKey())
        .addColumn('enabled', 'integer')
        .addColumn('description', 'text')
        .addColumn('model', 'text')
        .addColumn('execution_mode', 'text')
        .addColumn('updated_by', 'text')
        .addColumn('updated_at', time, (column) => column.notNull())
        .execute()

      await db.schema
        .createTable(name('login_failures'))
        .addColumn('key', 'text', (column) => column.primaryKey())
        .addColumn('failures', 'integer', (column) => column.notNull())
        .addColumn('window_started_at', time, (column) => column.notNull())
        .execute()

      await db.schema.alterTable(name('executions')).addColumn('cost_usd', 'double precision').execute()
      const cost =
        context.dialect === 'postgres'
          ? sql`(usage::json->>'costUsd')::double precision`
          : sql`json_extract(usage, '$.costUsd')`
      await sql`update ${sql.table(name('executions'))} set cost_usd = ${cost} where usage is not null`.execute(
        db,
      )
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable(name('executions')).dropColumn('cost_usd').execute()
      for (const table of ['login_failures', 'agent_overrides', 'gateway_secrets', 'dashboard_sessions']) {
        await db.schema.dropTable(name(table)).ifExists().execute()
      }
    },
  }
}
