import { sql } from 'kysely'
import type { GatewayDatabaseHandle } from './open-database.ts'

/** Pages freed per call at most; the rest waits for the next round. */
const maxPagesPerCall = 200_000

/**
 * Gives the pages freed by deletes back to the file system — on a SQLite file whose
 * `auto_vacuum` is `INCREMENTAL` (set by its owner before the tables were created); elsewhere it
 * does nothing: other SQLite files reuse free pages for new rows, and Postgres has autovacuum.
 */
export async function sqliteIncrementalVacuum(database: GatewayDatabaseHandle): Promise<boolean> {
  if (database.dialect !== 'sqlite') return false
  const { rows } = await sql<{ auto_vacuum: number }>`PRAGMA auto_vacuum`.execute(database.db)
  // 2 = INCREMENTAL.
  if (rows[0]?.auto_vacuum !== 2) return false
  // The driver steps a statement without result columns once, and each step frees one page: so
  // one call per free page, with the event loop let go every thousand.
  const free = await sql<{ freelist_count: number }>`PRAGMA freelist_count`.execute(database.db)
  const pages = Math.min(free.rows[0]?.freelist_count ?? 0, maxPagesPerCall)
  for (let page = 1; page <= pages; page++) {
    await sql`PRAGMA incremental_vacuum(1)`.execute(database.db)
    if (page % 1000 === 0) await new Promise<void>((resolve) => setImmediate(resolve))
  }
  return true
}
