import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { describe } from 'vitest'
import { createEmbeddedQueue } from '../src/adapters/queue/embedded-queue.ts'
import {
  assertMigrated,
  type GatewayDatabaseHandle,
  openDatabase,
} from '../src/adapters/storage/open-database.ts'
import { createSilentLogger } from '../src/core/logger.ts'
import { defineJobQueueConformance } from '../src/testing/queue-conformance.ts'
import { requireService } from './support/requirements.ts'
import { postgresUrl, uniqueName } from './support/services.ts'
import { vitestFunctions } from './support/vitest-functions.ts'

/** Queue fixtures on one database; a short visibility timeout so a "dead" consumer's job returns fast. */
function embeddedFixtures(database: GatewayDatabaseHandle) {
  return async ({ name, retry }: { name: string; retry: { maxRetries: number; backoffMs: number } }) => {
    const handles = [] as ReturnType<typeof createEmbeddedQueue>[]
    const make = () => {
      const queue = createEmbeddedQueue({
        db: database.db,
        dialect: database.dialect,
        name,
        retry,
        visibilityTimeoutMs: 400,
        pollIntervalMs: 20,
        logger: createSilentLogger(),
      })
      handles.push(queue)
      return queue
    }
    return {
      queue: make(),
      connectAnother: async () => make(),
      cleanup: async () => {
        await Promise.all(handles.map((handle) => handle.close()))
        await database.db.deleteFrom('jobs').where('queue', '=', name).execute()
      },
    }
  }
}

describe('embedded queue on SQLite', async () => {
  const directory = await mkdtemp(path.join(tmpdir(), 'agw-queue-'))
  const database = await openDatabase({
    backend: 'sqlite',
    url: 'queue.db',
    schema: null,
    tablePrefix: '',
    baseDirectory: directory,
  })
  assertMigrated(await database.migrateToLatest())
  defineJobQueueConformance(vitestFunctions, 'embedded (sqlite)', embeddedFixtures(database), {
    redelivery: true,
  })
  afterAllCleanup(async () => {
    await database.close()
    await rm(directory, { recursive: true, force: true })
  })
})

const postgres = await requireService('PostgreSQL', 5432)
describe.skipIf(!postgres.available)('embedded queue on Postgres', async () => {
  const schema = uniqueName('agw_queue')
  const database = await openDatabase({
    backend: 'postgres',
    url: postgresUrl,
    schema,
    tablePrefix: '',
    baseDirectory: '.',
  })
  assertMigrated(await database.migrateToLatest())
  defineJobQueueConformance(vitestFunctions, 'embedded (postgres)', embeddedFixtures(database), {
    redelivery: true,
  })
  afterAllCleanup(async () => {
    await database.close()
    const client = new pg.Client({ connectionString: postgresUrl })
    await client.connect()
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await client.end()
  })
})

function afterAllCleanup(cleanup: () => Promise<void>) {
  // Registered inside the describe so it runs after that suite's tests.
  import('vitest').then(({ afterAll }) => afterAll(cleanup))
}
