import type { Kysely } from 'kysely'
import type { MigrationContext } from './migration-context.ts'

/** Tables for executions, their steps, conversations, jobs, leases and the audit log. */
export function initialMigration(context: MigrationContext) {
  // Migrations run without the table-prefix plugin, so every name is prefixed here.
  const name = (base: string) => `${context.prefix}${base}`
  // Epoch milliseconds overflow 32-bit integers: bigint in Postgres, INTEGER (64-bit) in SQLite.
  const time = 'bigint' as const
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable(name('executions'))
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('agent_id', 'text', (column) => column.notNull())
        .addColumn('status', 'text', (column) => column.notNull())
        .addColumn('kind', 'text', (column) => column.notNull())
        .addColumn('message', 'text', (column) => column.notNull())
        .addColumn('input', 'text', (column) => column.notNull())
        .addColumn('options', 'text', (column) => column.notNull())
        .addColumn('result', 'text')
        .addColumn('error', 'text')
        .addColumn('usage', 'text')
        .addColumn('session_id', 'text')
        .addColumn('principal_id', 'text')
        .addColumn('parent_execution_id', 'text')
        .addColumn('root_execution_id', 'text', (column) => column.notNull())
        .addColumn('depth', 'integer', (column) => column.notNull().defaultTo(0))
        .addColumn('attempts', 'integer', (column) => column.notNull().defaultTo(0))
        .addColumn('created_at', time, (column) => column.notNull())
        .addColumn('started_at', time)
        .addColumn('completed_at', time)
        .addColumn('cancel_requested_at', time)
        .addColumn('updated_at', time, (column) => column.notNull())
        .execute()
      await db.schema
        .createIndex(name('executions_created'))
        .on(name('executions'))
        .columns(['created_at', 'id'])
        .execute()
      await db.schema
        .createIndex(name('executions_agent'))
        .on(name('executions'))
        .columns(['agent_id', 'created_at'])
        .execute()
      await db.schema
        .createIndex(name('executions_session'))
        .on(name('executions'))
        .columns(['session_id', 'created_at'])
        .execute()
      await db.schema
        .createIndex(name('executions_status'))
        .on(name('executions'))
        .columns(['status', 'created_at'])
        .execute()
      await db.schema
        .createIndex(name('executions_root'))
        .on(name('executions'))
        .columns(['root_execution_id'])
        .execute()
      await db.schema
        .createIndex(name('executions_principal'))
        .on(name('executions'))
        .columns(['principal_id', 'created_at'])
        .execute()

      await db.schema
        .createTable(name('execution_steps'))
        .addColumn('execution_id', 'text', (column) => column.notNull())
        .addColumn('sequence', 'integer', (column) => column.notNull())
        .addColumn('type', 'text', (column) => column.notNull())
        .addColumn('data', 'text', (column) => column.notNull())
        .addColumn('duration_ms', 'integer')
        .addColumn('attempt', 'integer', (column) => column.notNull())
        .addColumn('created_at', time, (column) => column.notNull())
        .addPrimaryKeyConstraint(name('execution_steps_pk'), ['execution_id', 'sequence'])
        .execute()

      await db.schema
        .createTable(name('conversations'))
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('agent_id', 'text', (column) => column.notNull())
        .addColumn('owner_id', 'text')
        .addColumn('title', 'text')
        .addColumn('message_count', 'integer', (column) => column.notNull().defaultTo(0))
        .addColumn('turn_count', 'integer', (column) => column.notNull().defaultTo(0))
        .addColumn('created_at', time, (column) => column.notNull())
        .addColumn('updated_at', time, (column) => column.notNull())
        .execute()
      await db.schema
        .createIndex(name('conversations_updated'))
        .on(name('conversations'))
        .columns(['updated_at'])
        .execute()
      await db.schema
        .createIndex(name('conversations_owner'))
        .on(name('conversations'))
        .columns(['owner_id', 'updated_at'])
        .execute()

      await db.schema
        .createTable(name('conversation_messages'))
        .addColumn('conversation_id', 'text', (column) => column.notNull())
        .addColumn('sequence', 'integer', (column) => column.notNull())
        .addColumn('role', 'text', (column) => column.notNull())
        .addColumn('data', 'text', (column) => column.notNull())
        .addColumn('created_at', time, (column) => column.notNull())
        .addPrimaryKeyConstraint(name('conversation_messages_pk'), ['conversation_id', 'sequence'])
        .execute()

      await db.schema
        .createTable(name('jobs'))
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('queue', 'text', (column) => column.notNull())
        .addColumn('payload', 'text', (column) => column.notNull())
        .addColumn('status', 'text', (column) => column.notNull())
        .addColumn('attempts', 'integer', (column) => column.notNull().defaultTo(0))
        .addColumn('run_at', time, (column) => column.notNull())
        .addColumn('locked_by', 'text')
        .addColumn('locked_until', time)
        .addColumn('last_error', 'text')
        .addColumn('created_at', time, (column) => column.notNull())
        .addColumn('updated_at', time, (column) => column.notNull())
        .execute()
      await db.schema
        .createIndex(name('jobs_claim'))
        .on(name('jobs'))
        .columns(['queue', 'status', 'run_at'])
        .execute()

      await db.schema
        .createTable(name('leases'))
        .addColumn('name', 'text', (column) => column.primaryKey())
        .addColumn('holder', 'text', (column) => column.notNull())
        .addColumn('expires_at', time, (column) => column.notNull())
        .execute()

      await db.schema
        .createTable(name('audit_log'))
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('event_type', 'text', (column) => column.notNull())
        .addColumn('actor', 'text')
        .addColumn('resource_type', 'text')
        .addColumn('resource_id', 'text')
        .addColumn('metadata', 'text', (column) => column.notNull())
        .addColumn('ip_address', 'text')
        .addColumn('created_at', time, (column) => column.notNull())
        .execute()
      await db.schema
        .createIndex(name('audit_log_created'))
        .on(name('audit_log'))
        .columns(['created_at'])
        .execute()
    },
    async down(db: Kysely<unknown>) {
      for (const table of [
        'audit_log',
        'leases',
        'jobs',
        'conversation_messages',
        'conversations',
        'execution_steps',
        'executions',
      ]) {
        await db.schema.dropTable(name(table)).ifExists().execute()
      }
    },
  }
}
