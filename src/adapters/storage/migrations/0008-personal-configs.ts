import type { Kysely } from 'kysely'
import type { MigrationContext } from './migration-context.ts'

/** Personal-agent setups: one row per agent and user, sensitive values sealed by the secret box. */
export function personalConfigsMigration(context: MigrationContext) {
  const name = (base: string) => `${context.prefix}${base}`
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable(name('personal_configs'))
        .addColumn('agent_id', 'text', (column) => column.notNull())
        .addColumn('owner_id', 'text', (column) => column.notNull())
        .addColumn('config_values', 'text', (column) => column.notNull())
        .addColumn('sealed_secrets', 'text', (column) => column.notNull())
        .addColumn('instructions', 'text')
        .addColumn('updated_at', 'bigint', (column) => column.notNull())
        .addPrimaryKeyConstraint(name('personal_configs_pk'), ['agent_id', 'owner_id'])
        .execute()
      await db.schema
        .createIndex(name('personal_configs_owner'))
        .on(name('personal_configs'))
        .columns(['owner_id'])
        .execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable(name('personal_configs')).ifExists().execute()
    },
  }
}
