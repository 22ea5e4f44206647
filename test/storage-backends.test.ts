import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { describe } from 'vitest'
import { createMemoryExecutionStore } from '../src/adapters/storage/memory-execution-store.ts'
import { createMemorySessionStore } from '../src/adapters/storage/memory-session-store.ts'
import { assertMigrated, openDatabase } from '../src/adapters/storage/open-database.ts'
import { createSqlExecutionStore } from '../src/adapters/storage/sql-execution-store.ts'
import { createSqlSessionStore } from '../src/adapters/storage/sql-session-store.ts'
import { defineStorageConformance } from '../src/testing/storage-conformance.ts'
import { requireService } from './support/requirements.ts'
import { postgresUrl, uniqueName } from './support/services.ts'

defineStorageConformance('memory', async () => ({
  executions: createMemoryExecutionStore(),
  sessions: createMemorySessionStore({ ttlMs: Number.MAX_SAFE_INTEGER }),
  cleanup: async () => {},
}))

defineStorageConformance('sqlite (with table prefix)', async () => {
  const directory = await mkdtemp(path.join(tmpdir(), 'agw-sqlite-'))
  const open = () =>
    openDatabase({
      backend: 'sqlite',
      url: 'test.db',
      schema: null,
      tablePrefix: 'agw_',
      baseDirectory: directory,
    })
  const first = await open()
  assertMigrated(await first.migrateToLatest())
  const second = await open()
  return {
    executions: createSqlExecutionStore(first.db),
    sessions: createSqlSessionStore(first.db),
    sessionsAgain: createSqlSessionStore(second.db),
    async cleanup() {
      await first.close()
      await second.close()
      await rm(directory, { recursive: true, force: true })
    },
  }
})

const postgres = await requireService('PostgreSQL', 5432)
describe.skipIf(!postgres.available)('postgres', () => {
  defineStorageConformance('postgres (own schema)', async () => {
    const schema = uniqueName('agw_storage')
    const open = () =>
      openDatabase({ backend: 'postgres', url: postgresUrl, schema, tablePrefix: '', baseDirectory: '.' })
    const first = await open()
    assertMigrated(await first.migrateToLatest())
    const second = await open()
    return {
      executions: createSqlExecutionStore(first.db),
      sessions: createSqlSessionStore(first.db),
      sessionsAgain: createSqlSessionStore(second.db),
      async cleanup() {
        await first.close()
        await second.close()
        const client = new pg.Client({ connectionString: postgresUrl })
        await client.connect()
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
        await client.end()
      },
    }
  })
})
