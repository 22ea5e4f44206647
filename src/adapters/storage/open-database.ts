import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { Kysely, type KyselyPlugin, PostgresDialect, SqliteDialect } from 'kysely'
import { type Migration, type MigrationResultSet, Migrator } from 'kysely/migration'
import { toDatabaseLocation } from '../../core/config/database-url.ts'
import { ConfigError } from '../../core/errors.ts'
import { withCachedStatements } from './cached-statements.ts'
import type { GatewayDatabase } from './database-schema.ts'
import { gatewayMigrations } from './migrations/index.ts'
import { schemaScopedDialect } from './schema-scoped-dialect.ts'
import { createTablePrefixPlugin } from './table-prefix-plugin.ts'

export interface OpenDatabaseOptions {
  backend: 'sqlite' | 'postgres'
  /** SQLite file (relative paths resolve against `baseDirectory`, `:memory:` allowed) or a Postgres URL. */
  url: string | undefined
  /** Postgres schema, created when missing. */
  schema: string | null
  tablePrefix: string
  /** Where a relative SQLite path is resolved (the workspace). */
  baseDirectory: string
  /** Postgres pool size. @default 10 */
  poolSize?: number
}

/** An open database: the query builder (tables prefixed) and the means to migrate and close it. */
export interface GatewayDatabaseHandle {
  db: Kysely<GatewayDatabase>
  dialect: 'sqlite' | 'postgres'
  /** Where it is, without credentials, for logs. */
  description: string
  migrateToLatest(): Promise<MigrationResultSet>
  migrateDown(): Promise<MigrationResultSet>
  migrationStatus(): Promise<{ name: string; executedAt: Date | undefined }[]>
  close(): Promise<void>
}

/** The default SQLite file inside the workspace's data folder. */
export const defaultSqliteFile = path.join('.agentgw', 'agentgw.db')

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return '(invalid url)'
  }
}

async function importOptional<T>(name: string): Promise<T> {
  try {
    return (await import(name)) as T
  } catch {
    throw new ConfigError({
      keyPath: 'persistence.backend',
      message: `the Postgres backend needs the "${name}" package: npm install ${name}`,
    })
  }
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<GatewayDatabaseHandle> {
  const prefix = options.tablePrefix
  const plugins: KyselyPlugin[] = prefix ? [createTablePrefixPlugin(prefix)] : []
  let base: Kysely<unknown>
  let description: string

  if (options.backend === 'sqlite') {
    const { default: Sqlite } = await import('better-sqlite3')
    let file = defaultSqliteFile
    if (options.url) {
      const location = toDatabaseLocation(options.url)
      if (!location.ok || location.backend !== 'sqlite') {
        throw new ConfigError({
          keyPath: 'persistence.url',
          message: location.ok ? 'the sqlite backend needs a file path, not a postgres URL' : location.reason,
        })
      }
      file = location.file
    }
    const resolved = file === ':memory:' ? file : path.resolve(options.baseDirectory, file)
    if (resolved !== ':memory:') mkdirSync(path.dirname(resolved), { recursive: true })
    const database = new Sqlite(resolved)
    database.pragma('journal_mode = WAL')
    database.pragma('synchronous = NORMAL')
    database.pragma('busy_timeout = 5000')
    base = new Kysely<unknown>({ dialect: new SqliteDialect({ database: withCachedStatements(database) }) })
    description = `sqlite:${resolved}`
  } else {
    if (!options.url)
      throw new ConfigError({
        keyPath: 'persistence.url',
        message: 'the postgres backend needs a url (postgres://…)',
      })
    const pg = await importOptional<typeof import('pg')>('pg')
    const { Pool, Client, types } = pg.default ?? pg
    // Epoch-millisecond columns are bigint: read them as numbers (they stay below 2^53).
    const parsers = {
      getTypeParser: (oid: number, format?: 'text' | 'binary') =>
        oid === 20 ? (value: string) => Number(value) : types.getTypeParser(oid, format as 'text'),
    }
    if (options.schema) {
      const client = new Client({ connectionString: options.url })
      await client.connect()
      try {
        await client.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`)
      } finally {
        await client.end()
      }
    }
    const pool = new Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      types: parsers,
      ...(options.schema ? { options: `-c search_path="${options.schema}"` } : {}),
    })
    pool.on('error', () => {
      // Idle-client errors (e.g. the server restarting) are reported on the next query instead.
    })
    base = new Kysely<unknown>({
      dialect: schemaScopedDialect(new PostgresDialect({ pool }), options.schema ?? 'public'),
    })
    description = `${redactUrl(options.url)}${options.schema ? ` (schema ${options.schema})` : ''}`
  }

  const migrations: Record<string, Migration> = gatewayMigrations({ prefix, dialect: options.backend })
  const migrator = new Migrator({
    db: base,
    provider: { getMigrations: async () => migrations },
    migrationTableName: `${prefix}kysely_migration`,
    migrationLockTableName: `${prefix}kysely_migration_lock`,
    // Name the schema: otherwise Kysely may find same-named migration tables in another schema.
    ...(options.backend === 'postgres' ? { migrationTableSchema: options.schema ?? 'public' } : {}),
  })
  const db =
    plugins.length > 0
      ? (base.withPlugin(plugins[0] as KyselyPlugin) as Kysely<GatewayDatabase>)
      : (base as Kysely<GatewayDatabase>)

  return {
    db,
    dialect: options.backend,
    description,
    migrateToLatest: () => migrator.migrateToLatest(),
    migrateDown: () => migrator.migrateDown(),
    async migrationStatus() {
      return (await migrator.getMigrations()).map((migration) => ({
        name: migration.name,
        executedAt: migration.executedAt,
      }))
    },
    close: () => base.destroy(),
  }
}

/** Throws the first error of a migration run, with the failing migration's name. */
export function assertMigrated(result: MigrationResultSet): void {
  if (!result.error) return
  const failed = result.results?.find((entry) => entry.status === 'Error')
  const reason = result.error instanceof Error ? result.error.message : String(result.error)
  throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${reason}`)
}
