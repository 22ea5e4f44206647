import type { Kysely } from 'kysely'
import type { SecretStore } from '../../core/ports/secret-store.ts'
import type { GatewayDatabase } from './database-schema.ts'

/** Shared secrets in the database: the first instance to insert a name wins, the others read its value. */
export function createSqlSecretStore(db: Kysely<GatewayDatabase>): SecretStore {
  return {
    async getOrCreate(name, create) {
      const read = () =>
        db.selectFrom('gateway_secrets').select('value').where('name', '=', name).executeTakeFirst()
      const existing = await read()
      if (existing) return existing.value
      await db
        .insertInto('gateway_secrets')
        .values({ name, value: create(), created_at: Date.now() })
        .onConflict((conflict) => conflict.column('name').doNothing())
        .execute()
      const stored = await read()
      if (!stored) throw new Error(`the secret ${name} could not be stored`)
      return stored.value
    },
  }
}
