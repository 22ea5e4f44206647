import type { Kysely } from 'kysely'
import type { IdempotencyRecord, IdempotencyStore } from '../../core/ports/idempotency-store.ts'
import type { GatewayDatabase, IdempotencyKeysTable } from './database-schema.ts'

const fromRow = (row: IdempotencyKeysTable): IdempotencyRecord => ({
  scope: row.scope,
  key: row.key,
  fingerprint: row.fingerprint,
  executionId: row.execution_id,
  createdAt: Number(row.created_at),
  expiresAt: Number(row.expires_at),
})

/** Idempotency keys in the gateway's database: one conditional upsert per claim. */
export function createSqlIdempotencyStore(db: Kysely<GatewayDatabase>): IdempotencyStore {
  return {
    async claim(record, now) {
      // Inserted when free; an expired row is taken over; a live one is left as it is.
      const stored = await db
        .insertInto('idempotency_keys')
        .values({
          scope: record.scope,
          key: record.key,
          fingerprint: record.fingerprint,
          execution_id: record.executionId,
          created_at: record.createdAt,
          expires_at: record.expiresAt,
        })
        .onConflict((conflict) =>
          conflict
            .columns(['scope', 'key'])
            .doUpdateSet((eb) => ({
              fingerprint: eb.ref('excluded.fingerprint'),
              execution_id: eb.ref('excluded.execution_id'),
              created_at: eb.ref('excluded.created_at'),
              expires_at: eb.ref('excluded.expires_at'),
            }))
            .where('idempotency_keys.expires_at', '<=', now),
        )
        .returningAll()
        .executeTakeFirst()
      if (stored) return fromRow(stored)
      const current = await db
        .selectFrom('idempotency_keys')
        .selectAll()
        .where('scope', '=', record.scope)
        .where('key', '=', record.key)
        .executeTakeFirstOrThrow()
      return fromRow(current)
    },
    async deleteExpired(now) {
      const result = await db.deleteFrom('idempotency_keys').where('expires_at', '<=', now).executeTakeFirst()
      return Number(result.numDeletedRows)
    },
  }
}
