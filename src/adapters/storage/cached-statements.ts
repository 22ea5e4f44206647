import type { Database, Statement } from 'better-sqlite3'
import type { SqliteDatabase } from 'kysely'

/**
 * The database as Kysely's SQLite dialect sees it, with prepared statements reused by their
 * SQL text. Kysely prepares every query anew, and preparing was the largest single cost of a
 * run with SQLite persistence. Parameters are bound at execution, so reuse is safe; a
 * statement still busy in an iteration is never handed out twice. Least recently used
 * statements are dropped beyond `maxStatements` (list filters make a few SQL shapes each).
 */
export function withCachedStatements(database: Database, maxStatements = 256): SqliteDatabase {
  const statements = new Map<string, Statement>()
  return {
    close: () => database.close(),
    prepare(sql) {
      const cached = statements.get(sql)
      if (cached && !cached.busy) {
        statements.delete(sql)
        statements.set(sql, cached)
        return cached
      }
      const statement = database.prepare(sql)
      statements.set(sql, statement)
      if (statements.size > maxStatements) statements.delete(statements.keys().next().value as string)
      return statement
    },
  }
}
