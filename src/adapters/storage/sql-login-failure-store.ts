import type { Kysely } from 'kysely'
import type { LoginFailureStore } from '../../core/ports/login-failure-store.ts'
import type { GatewayDatabase } from './database-schema.ts'

/** Failed-login counters in the database: one upsert per failure, shared by every instance. */
export function createSqlLoginFailureStore(db: Kysely<GatewayDatabase>): LoginFailureStore {
  return {
    async count(key, windowMs, now) {
      const row = await db.selectFrom('login_failures').selectAll().where('key', '=', key).executeTakeFirst()
      if (!row || row.window_started_at + windowMs <= now) return { failures: 0, resetAt: now }
      return { failures: row.failures, resetAt: row.window_started_at + windowMs }
    },
    async record(key, windowMs, now) {
      // One statement: a window that is over restarts at 1, otherwise the count goes up.
      const row = await db
        .insertInto('login_failures')
        .values({ key, failures: 1, window_started_at: now })
        .onConflict((conflict) =>
          conflict.column('key').doUpdateSet((eb) => ({
            failures: eb
              .case()
              .when('login_failures.window_started_at', '<=', now - windowMs)
              .then(1)
              .else(eb('login_failures.failures', '+', 1))
              .end(),
            window_started_at: eb
              .case()
              .when('login_failures.window_started_at', '<=', now - windowMs)
              .then(now)
              .else(eb.ref('login_failures.window_started_at'))
              .end(),
          })),
        )
        .returning('failures')
        .executeTakeFirst()
      return Number(row?.failures ?? 1)
    },
    async clear(key) {
      await db.deleteFrom('login_failures').where('key', '=', key).execute()
    },
  }
}
