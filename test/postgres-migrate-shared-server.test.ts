import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { assertMigrated, openDatabase } from '../src/adapters/storage/open-database.ts'
import { requireService } from './support/requirements.ts'
import { postgresUrl, uniqueName } from './support/services.ts'

// Migrating on a Postgres server that other clients share: their schemas come and go while the
// gateway starts. Kysely's stock introspection read every schema and failed with
// `schema "…" does not exist` when one was dropped mid-query.

const postgres = await requireService('PostgreSQL', 5432)
const created: string[] = []

async function withClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresUrl })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

afterAll(async () => {
  if (!postgres.available) return
  await withClient(async (client) => {
    for (const schema of created) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  })
})

describe.skipIf(!postgres.available)('migrating on a shared Postgres server', () => {
  it('looks only at its own schema: a same-named migration table elsewhere is not taken for its own', async () => {
    const other = uniqueName('pgm_other')
    const own = uniqueName('pgm_own')
    created.push(other, own)
    await withClient((client) =>
      client.query(
        `CREATE SCHEMA "${other}"; CREATE TABLE "${other}".kysely_migration (name text, timestamp text)`,
      ),
    )
    const database = await openDatabase({
      backend: 'postgres',
      url: postgresUrl,
      schema: own,
      tablePrefix: '',
      baseDirectory: '.',
    })
    try {
      assertMigrated(await database.migrateToLatest())
      const tables = await withClient(async (client) => {
        const { rows } = await client.query<{ table_name: string }>(
          'select table_name from information_schema.tables where table_schema = $1',
          [own],
        )
        return rows.map((row) => row.table_name)
      })
      expect(tables).toEqual(expect.arrayContaining(['kysely_migration', 'executions']))
    } finally {
      await database.close()
    }
  })

  it('migrates while other clients drop their schemas at the same moment', async () => {
    for (let round = 0; round < 4; round++) {
      const doomed = Array.from({ length: 12 }, () => uniqueName('pgm_doomed'))
      created.push(...doomed)
      await withClient(async (client) => {
        for (const schema of doomed)
          await client.query(`CREATE SCHEMA "${schema}"; CREATE TABLE "${schema}".t (id serial primary key)`)
      })
      const own = uniqueName('pgm_race')
      created.push(own)
      const database = await openDatabase({
        backend: 'postgres',
        url: postgresUrl,
        schema: own,
        tablePrefix: '',
        baseDirectory: '.',
      })
      try {
        const dropping = withClient(async (client) => {
          for (const schema of doomed) await client.query(`DROP SCHEMA "${schema}" CASCADE`)
        })
        const [migrated] = await Promise.all([database.migrateToLatest(), dropping])
        assertMigrated(migrated)
      } finally {
        await database.close()
      }
    }
  })
})
