import type { Kysely } from 'kysely'
import type { LeaseStore } from '../../core/ports/lease-store.ts'
import type { GatewayDatabase } from './database-schema.ts'

/**
 * Named leases in the database: a lock that expires, so a crashed holder cannot block others
 * forever. Acquire/renew/release are single conditional statements, safe across processes.
 */
export function createSqlLeases(db: Kysely<GatewayDatabase>): LeaseStore {
  return {
    async acquire(name, holder, ttlMs) {
      const now = Date.now()
      const row = await db
        .insertInto('leases')
        .values({ name, holder, expires_at: now + ttlMs })
        .onConflict((conflict) =>
          conflict
            .column('name')
            .doUpdateSet((eb) => ({
              holder: eb.ref('excluded.holder'),
              expires_at: eb.ref('excluded.expires_at'),
            }))
            // Qualified: inside ON CONFLICT an unqualified column is ambiguous in Postgres.
            .where((eb) => eb.or([eb('leases.expires_at', '<', now), eb('leases.holder', '=', holder)])),
        )
        .returning('holder')
        .executeTakeFirst()
      return row?.holder === holder
    },
    async release(name, holder) {
      await db.deleteFrom('leases').where('name', '=', name).where('holder', '=', holder).execute()
    },
  }
}
