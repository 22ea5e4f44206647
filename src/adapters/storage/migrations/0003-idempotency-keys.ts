import type { Kysely } from 'kysely'
import type { MigrationContext } from './migration-context.ts'

/** Idempotency keys: which execution a principal's `Idempotency-Key` stands for, until it expires. */
export function idempotencyKeysMigration(context: MigrationContext) {
  const name = (base: string) => `${context.prefix}${base}`
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable(name('idempotency_keys'))
        .addColumn('scope', 'text', (column) => column.notNull())
        .addColumn('key', 'text', (column) => column.notNull())
        .addColumn('fingerprint', 'text', (column) => column.notNull())
        .addColumn('execution_id', 'text', (column) => column.notNull())
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .addColumn('expires_at', 'bigint', (column) => column.notNull())
        .addPrimaryKeyConstraint(name('idempotency_keys_pk'), ['scope', 'key'])
        .execute()
      await db.schema
        .createIndex(name('idempotency_keys_expires'))
        .on(name('idempotency_keys'))
        .columns(['expires_at'])
        .execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable(name('idempotency_keys')).ifExists().execute()
    },
  }
}
