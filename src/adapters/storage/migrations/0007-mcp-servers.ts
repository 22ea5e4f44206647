import type { Kysely } from 'kysely'
import type { MigrationContext } from './migration-context.ts'

/** MCP servers configured through the admin API; credentials only as sealed text. */
export function mcpServersMigration(context: MigrationContext) {
  const table = `${context.prefix}mcp_servers`
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable(table)
        .addColumn('name', 'text', (column) => column.primaryKey())
        .addColumn('transport', 'text', (column) => column.notNull())
        .addColumn('command', 'text')
        .addColumn('args', 'text', (column) => column.notNull())
        .addColumn('cwd', 'text')
        .addColumn('url', 'text')
        .addColumn('enabled', 'integer', (column) => column.notNull())
        .addColumn('connection_timeout_ms', 'bigint')
        .addColumn('tool_call_timeout_ms', 'bigint')
        .addColumn('sealed_secrets', 'text')
        .addColumn('secret_names', 'text', (column) => column.notNull())
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .addColumn('updated_at', 'bigint', (column) => column.notNull())
        .execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable(table).ifExists().execute()
    },
  }
}
