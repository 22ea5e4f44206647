import type { Kysely } from 'kysely'
import type { MigrationContext } from './migration-context.ts'

/** The OpenTelemetry trace id of each execution, so an execution links to its trace. */
export function executionTraceIdMigration(context: MigrationContext) {
  const name = (base: string) => `${context.prefix}${base}`
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable(name('executions')).addColumn('trace_id', 'text').execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable(name('executions')).dropColumn('trace_id').execute()
    },
  }
}
