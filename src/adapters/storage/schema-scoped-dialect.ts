import { type DatabaseIntrospector, type Dialect, type Kysely, sql, type TableMetadata } from 'kysely'

/**
 * A Postgres dialect whose introspection (what the migrator uses to find its tables) looks at
 * one schema only. Kysely's own introspector reads every table of every schema and calls
 * name-based catalog functions on each, so a schema that another client drops at the same
 * moment fails our start-up with `schema "…" does not exist` — on a shared server that is
 * someone else's routine work (and the test suite's). Looking up by schema name, joined on
 * oids, has no such race and stays fast however many schemas the server holds.
 */
export function schemaScopedDialect(dialect: Dialect, schema: string): Dialect {
  return {
    createDriver: () => dialect.createDriver(),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => schemaScopedIntrospector(db, schema),
  }
}

function schemaScopedIntrospector(db: Kysely<unknown>, schema: string): DatabaseIntrospector {
  return {
    async getSchemas() {
      const { rows } = await sql<{ name: string }>`
        select nspname as name from pg_catalog.pg_namespace where nspname = ${schema}`.execute(db)
      return rows
    },
    async getTables() {
      const { rows } = await sql<{ name: string; kind: string }>`
        select c.relname as name, c.relkind as kind
        from pg_catalog.pg_class c
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where n.nspname = ${schema} and c.relkind in ('r', 'p', 'v', 'f')`.execute(db)
      return rows.map(
        (row): TableMetadata => ({
          name: row.name,
          schema,
          isView: row.kind === 'v',
          isForeign: row.kind === 'f',
          columns: [],
        }),
      )
    },
  }
}
