import type { Migration } from 'kysely/migration'
import { initialMigration } from './0001-initial.ts'
import { dashboardMigration } from './0002-dashboard.ts'
import { mcpServersMigration } from './0007-mcp-servers.ts'
import type { MigrationContext } from './migration-context.ts'

/**
 * Every migration, in order, for both SQLite and Postgres. Names never change once released;
 * new migrations are appended.
 */
export function gatewayMigrations(context: MigrationContext): Record<string, Migration> {
  return {
    '0001_initial': initialMigration(context),
    '0002_dashboard': dashboardMigration(context),
    '0007_mcp_servers': mcpServersMigration(context),
  }
}
