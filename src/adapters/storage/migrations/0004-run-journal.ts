import type { Kysely } from 'kysely'
import type { MigrationContext } from './migration-context.ts'

/**
 * The column holding the tool call an `awaiting_approval` execution waits on, and the run journal: every model call and tool result of a queued run, kept in full, so an attempt
 * that retries the run after a crash replays them instead of calling the model and the tools
 * again (docs/persistence.md, "Step replay").
 */
export function runJournalMigration(context: MigrationContext) {
  const name = (base: string) => `${context.prefix}${base}`
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable(name('execution_journal'))
        .addColumn('execution_id', 'text', (column) => column.notNull())
        .addColumn('sequence', 'integer', (column) => column.notNull())
        .addColumn('attempt', 'integer', (column) => column.notNull())
        .addColumn('entry', 'text', (column) => column.notNull())
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .addPrimaryKeyConstraint(name('execution_journal_pk'), ['execution_id', 'sequence'])
        .execute()
      await db.schema.alterTable(name('executions')).addColumn('pending_approval', 'text').execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable(name('executions')).dropColumn('pending_approval').execute()
      await db.schema.dropTable(name('execution_journal')).ifExists().execute()
    },
  }
}
