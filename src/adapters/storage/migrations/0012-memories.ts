import { type Kysely, sql } from 'kysely'
import type { MigrationContext } from './migration-context.ts'

/**
 * Agent memories: one row per memory, scoped by owner and agent. Recall is full-text search —
 * an FTS5 table beside it on SQLite, a GIN index over `to_tsvector` on Postgres.
 */
export function memoriesMigration(context: MigrationContext) {
  const name = (base: string) => `${context.prefix}${base}`
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable(name('memories'))
        .addColumn('seq', context.dialect === 'postgres' ? 'bigserial' : 'integer', (column) =>
          context.dialect === 'postgres' ? column.primaryKey() : column.primaryKey().autoIncrement(),
        )
        .addColumn('id', 'text', (column) => column.notNull().unique())
        .addColumn('owner_id', 'text', (column) => column.notNull())
        .addColumn('agent_id', 'text', (column) => column.notNull())
        .addColumn('content', 'text', (column) => column.notNull())
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .execute()
      await db.schema
        .createIndex(name('memories_scope'))
        .on(name('memories'))
        .columns(['owner_id', 'agent_id'])
        .execute()
      if (context.dialect === 'postgres') {
        await sql`create index ${sql.id(name('memories_fts'))} on ${sql.id(name('memories'))} using gin (to_tsvector('english', content))`.execute(
          db,
        )
      } else {
        await sql`create virtual table ${sql.id(name('memories_fts'))} using fts5(content, memory_id unindexed, tokenize = 'porter unicode61')`.execute(
          db,
        )
      }
    },
    async down(db: Kysely<unknown>) {
      if (context.dialect === 'sqlite')
        await sql`drop table if exists ${sql.id(name('memories_fts'))}`.execute(db)
      await db.schema.dropTable(name('memories')).ifExists().execute()
    },
  }
}
