/** Where `persistence.url` points: a SQLite file (or `:memory:`) or a PostgreSQL server. */
export type DatabaseLocation =
  | {
      ok: true
      backend: 'sqlite' /** A path (relative to the workspace or absolute) or `:memory:`. */
      file: string
    }
  | { ok: true; backend: 'postgres' /** A `postgres://` connection string. */; url: string }
  | { ok: false; reason: string }

const scheme = /^([a-z][a-z0-9+.-]*):/i

/**
 * Reads `persistence.url` in the forms agentgw and agents-gateway (SQLAlchemy) write:
 *
 * - a file path (`data/agentgw.db`, `/var/lib/agw.db`) or `:memory:`;
 * - `sqlite:///relative.db`, `sqlite:////absolute.db`, `sqlite://` (memory), with or without a
 *   driver (`sqlite+aiosqlite:///…`), and the short `sqlite:relative.db`;
 * - `postgres://…`, `postgresql://…`, `postgresql+asyncpg://…` (any `+driver`).
 *
 * Any other `scheme://` is refused rather than taken for a file name.
 */
export function toDatabaseLocation(url: string): DatabaseLocation {
  const trimmed = url.trim()
  if (trimmed === ':memory:') return { ok: true, backend: 'sqlite', file: ':memory:' }
  const match = scheme.exec(trimmed)
  const name = match?.[1]?.toLowerCase()
  const base = name?.split('+')[0]
  if (base === 'sqlite') return sqliteLocation(trimmed, trimmed.slice((match?.[0] ?? '').length))
  if (base === 'postgres' || base === 'postgresql') {
    const rest = trimmed.slice((match?.[0] ?? '').length)
    if (!rest.startsWith('//') || rest.length <= 2) {
      return {
        ok: false,
        reason: `"${redact(trimmed)}" is not a PostgreSQL URL (postgres://user:password@host:5432/database)`,
      }
    }
    return { ok: true, backend: 'postgres', url: `postgres:${rest}` }
  }
  if (name && trimmed.slice(name.length + 1).startsWith('//')) {
    return {
      ok: false,
      reason: `unsupported database URL "${redact(trimmed)}": use a SQLite file or a postgres:// URL`,
    }
  }
  if (trimmed === '') return { ok: false, reason: 'the database URL is empty' }
  return { ok: true, backend: 'sqlite', file: trimmed }
}

function sqliteLocation(url: string, rest: string): DatabaseLocation {
  if (rest.includes('?')) {
    return { ok: false, reason: `"${url}": query options in SQLite URLs are not supported` }
  }
  // SQLAlchemy: `sqlite://` alone is an in-memory database; `///` starts a relative path and
  // `////` an absolute one (the third slash separates the empty host from the path).
  if (rest === '//' || rest === '' || rest === '///:memory:' || rest === ':memory:') {
    return { ok: true, backend: 'sqlite', file: ':memory:' }
  }
  if (rest.startsWith('///')) return { ok: true, backend: 'sqlite', file: rest.slice(3) }
  if (rest.startsWith('//')) {
    return {
      ok: false,
      reason: `"${url}": a SQLite URL has no host; write sqlite:///relative.db or sqlite:////absolute.db`,
    }
  }
  return { ok: true, backend: 'sqlite', file: rest }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@')
}
