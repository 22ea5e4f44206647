import pg from 'pg'

/** The Postgres the test suite uses too; `BENCH_POSTGRES_URL` overrides it. */
export const benchPostgresUrl = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })
  await client.connect()
  try {
    return await use(client)
  } finally {
    await client.end()
  }
}

/** A fresh schema name for this run, or why Postgres cannot be used. */
export async function reservePostgresSchema(
  url: string,
): Promise<{ schema: string } | { unavailable: string }> {
  try {
    await withClient(url, (client) => client.query('select 1'))
    // Short: the event bus derives its channel names from it, and those are limited.
    return { schema: `bench_${Date.now().toString(36).slice(-8)}` }
  } catch (error) {
    return {
      unavailable: `Postgres at ${url} is unreachable (${error instanceof Error ? error.message : String(error)})`,
    }
  }
}

/** Drops the run's schema (the gateway created it). */
export async function dropPostgresSchema(url: string, schema: string): Promise<void> {
  await withClient(url, (client) => client.query(`drop schema if exists "${schema}" cascade`))
}
