import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { describe } from 'vitest'
import { createMemoryStorage } from '../src/adapters/storage/create-memory-storage.ts'
import { createSqlStorage } from '../src/adapters/storage/create-sql-storage.ts'
import { createLogAuditLog } from '../src/adapters/storage/log-audit-log.ts'
import {
  assertMigrated,
  type GatewayDatabaseHandle,
  openDatabase,
} from '../src/adapters/storage/open-database.ts'
import { createSqlAuditLog } from '../src/adapters/storage/sql-audit-log.ts'
import { createSilentLogger, type Logger } from '../src/core/logger.ts'
import type { AuditEvent } from '../src/core/ports/audit-log.ts'
import { defineStorageConformance, type StorageFixture } from '../src/testing/storage-conformance.ts'
import { createRecordingLogger } from './support/recording-logger.ts'
import { requireService } from './support/requirements.ts'
import { postgresUrl, uniqueName } from './support/services.ts'
import { vitestFunctions } from './support/vitest-functions.ts'

const logger = createSilentLogger()

defineStorageConformance(vitestFunctions, 'memory', async () => {
  const { logger: recording, entries } = createRecordingLogger()
  const throwing: Logger = {
    ...createSilentLogger(),
    info: () => {
      throw new Error('the log stream is closed')
    },
  }
  return {
    // The suite stores turns at fixed past times; the memory store forgets sessions idle longer
    // than its TTL (its documented eviction), so the TTL is lifted here.
    storage: createMemoryStorage({ logger: recording, sessions: { ttlMs: Number.MAX_SAFE_INTEGER } }),
    recordedAuditEvents: async () =>
      entries.flatMap((entry) => (entry.fields.audit ? [entry.fields.audit as AuditEvent] : [])),
    unavailableAuditLog: async () => createLogAuditLog(throwing),
    cleanup: async () => {},
  }
})

/**
 * The SQL storage over one database, with every handle `connectAnother` opens on the same data
 * (a second SQLite connection to the file, a second Postgres pool), closed by `cleanup`.
 */
async function sqlStorageFixture(
  open: () => Promise<GatewayDatabaseHandle>,
  dropData: () => Promise<void>,
): Promise<StorageFixture> {
  const first = await open()
  assertMigrated(await first.migrateToLatest())
  const handles = [first]
  return {
    storage: createSqlStorage(first.db, logger),
    async connectAnother() {
      const handle = await open()
      handles.push(handle)
      return createSqlStorage(handle.db, logger)
    },
    async recordedAuditEvents() {
      const rows = await first.db.selectFrom('audit_log').selectAll().execute()
      return rows.map((row) => ({
        eventType: row.event_type,
        actor: row.actor,
        resourceType: row.resource_type,
        resourceId: row.resource_id,
        metadata: JSON.parse(row.metadata) as Record<string, unknown>,
        ipAddress: row.ip_address,
      }))
    },
    async unavailableAuditLog() {
      // A handle whose connections are gone: every write fails.
      const closed = await open()
      await closed.close()
      return createSqlAuditLog(closed.db, logger)
    },
    async cleanup() {
      await Promise.all(handles.map((handle) => handle.close()))
      await dropData()
    },
  }
}

defineStorageConformance(vitestFunctions, 'sqlite (two connections to one file, table prefix)', async () => {
  const directory = await mkdtemp(path.join(tmpdir(), 'agw-sqlite-'))
  return sqlStorageFixture(
    () =>
      openDatabase({
        backend: 'sqlite',
        url: 'test.db',
        schema: null,
        tablePrefix: 'agw_',
        baseDirectory: directory,
      }),
    () => rm(directory, { recursive: true, force: true }),
  )
})

const postgres = await requireService('PostgreSQL', 5432)
describe.skipIf(!postgres.available)('postgres', () => {
  defineStorageConformance(vitestFunctions, 'postgres (two pools, own schema)', async () => {
    const schema = uniqueName('agw_storage')
    return sqlStorageFixture(
      () =>
        openDatabase({ backend: 'postgres', url: postgresUrl, schema, tablePrefix: '', baseDirectory: '.' }),
      async () => {
        const client = new pg.Client({ connectionString: postgresUrl })
        await client.connect()
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
        await client.end()
      },
    )
  })
})
