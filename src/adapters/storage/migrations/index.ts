import type { Migration } from 'kysely/migration'
import { initialMigration } from './0001-initial.ts'
import { dashboardMigration } from './0002-dashboard.ts'
import { idempotencyKeysMigration } from './0003-idempotency-keys.ts'
import { runJournalMigration } from './0004-run-journal.ts'
import { schedulesMigration } from './0005-schedules.ts'
import { notificationDeliveriesMigration } from './0006-notification-deliveries.ts'
import { mcpServersMigration } from './0007-mcp-servers.ts'
import { personalConfigsMigration } from './0008-personal-configs.ts'
import { executionTraceIdMigration } from './0009-execution-trace-id.ts'
import { memoriesMigration } from './0012-memories.ts'
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
    '0003_idempotency_keys': idempotencyKeysMigration(context),
    '0004_run_journal': runJournalMigration(context),
    '0005_schedules': schedulesMigration(context),
    '0006_notification_deliveries': notificationDeliveriesMigration(context),
    '0008_personal_configs': personalConfigsMigration(context),
    '0009_execution_trace_id': executionTraceIdMigration(context),
    '0012_memories': memoriesMigration(context),
  }
}
