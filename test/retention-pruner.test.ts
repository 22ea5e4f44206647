import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMemoryStorage } from '../src/adapters/storage/create-memory-storage.ts'
import { createSqlStorage } from '../src/adapters/storage/create-sql-storage.ts'
import { type GatewayDatabaseHandle, openDatabase } from '../src/adapters/storage/open-database.ts'
import { sqliteIncrementalVacuum } from '../src/adapters/storage/sqlite-incremental-vacuum.ts'
import { resolveConfig } from '../src/core/config/resolve-config.ts'
import { createSilentLogger } from '../src/core/logger.ts'
import type { ExecutionRecord, ExecutionStore } from '../src/core/ports/execution-store.ts'
import type { GatewayStorage } from '../src/core/ports/gateway-storage.ts'
import { createRetentionPruner } from '../src/services/retention/create-retention-pruner.ts'
import { retentionRules } from '../src/services/retention/retention-rules.ts'
import { requireService } from './support/requirements.ts'
import { postgresUrl, uniqueName } from './support/services.ts'
import { waitFor } from './support/spawn-gateway.ts'
import { createTestGateway } from './support/test-gateway.ts'

const dayMs = 86_400_000
const logger = createSilentLogger()

const record = (id: string, createdAt: number): ExecutionRecord => ({
  id,
  agentId: 'a',
  status: 'running',
  kind: 'invoke',
  message: 'hi',
  input: {},
  options: {},
  result: null,
  error: null,
  usage: null,
  sessionId: null,
  principalId: null,
  parentExecutionId: null,
  rootExecutionId: id,
  depth: 0,
  attempts: 1,
  createdAt,
  startedAt: createdAt,
  completedAt: null,
  cancelRequestedAt: null,
})

/** An execution that ended with `status` at `at`, or stays running when `status` is `running`. */
async function seed(
  store: ExecutionStore,
  id: string,
  status: 'completed' | 'failed' | 'running',
  at: number,
) {
  await store.create(record(id, at))
  if (status !== 'running') await store.finish(id, { status, result: null, error: null, usage: null, at })
}

describe('retention rules', () => {
  it('reads persistence.retention from gateway.yaml, off by default', () => {
    const resolve = (text: string) =>
      resolveConfig({ yaml: { text, file: 'gateway.yaml' } }).config.persistence.retention
    expect(resolve('persistence:\n  enabled: true\n')).toEqual({ intervalSeconds: 300, batchSize: 500 })
    const set = resolve(
      'persistence:\n  retention:\n    executions_days: 30\n    failed_executions_days: 90\n    sessions_idle_days: 14\n    interval_seconds: 60\n    batch_size: 100\n',
    )
    expect(set).toEqual({
      executionsDays: 30,
      failedExecutionsDays: 90,
      sessionsIdleDays: 14,
      intervalSeconds: 60,
      batchSize: 100,
    })
    expect(() => resolve('persistence:\n  retention:\n    executions_days: -1\n')).toThrow(/executions_days/)
  })

  it('prune nothing unless a window is set, and per-status windows override the general one', () => {
    expect(retentionRules({})).toEqual({ executions: [], sessionsIdleMs: undefined })
    const rules = retentionRules({ executionsDays: 7, failedExecutionsDays: 30, sessionsIdleDays: 1 })
    expect(rules.executions).toEqual([
      { status: 'completed', keepMs: 7 * dayMs },
      { status: 'failed', keepMs: 30 * dayMs },
      { status: 'cancelled', keepMs: 7 * dayMs },
      { status: 'timeout', keepMs: 7 * dayMs },
    ])
    expect(rules.sessionsIdleMs).toBe(dayMs)
    expect(retentionRules({ failedExecutionsDays: 2 }).executions).toEqual([
      { status: 'failed', keepMs: 2 * dayMs },
    ])
  })
})

describe('retention pruner (injected clock)', () => {
  it('deletes what is past each window in batches, keeps the rest and running executions', async () => {
    const start = 100 * dayMs
    let clock = start
    const storage = createMemoryStorage({ logger, sessions: { ttlMs: 1000 * dayMs, now: () => clock } })
    for (let index = 0; index < 7; index++)
      await seed(storage.executions, `done-${index}`, 'completed', start)
    await seed(storage.executions, 'failed-old', 'failed', start)
    await seed(storage.executions, 'running-old', 'running', start)
    await storage.sessions.appendTurn('s-old', {
      agentId: 'a',
      ownerId: null,
      messages: [{ role: 'user', content: 'hi' }],
      at: start,
    })
    const pruner = createRetentionPruner({
      executions: storage.executions,
      sessions: storage.sessions,
      leases: storage.leases,
      instanceId: 'one',
      rules: retentionRules({ executionsDays: 7, failedExecutionsDays: 30, sessionsIdleDays: 3 }),
      logger,
      intervalMs: 60_000,
      batchSize: 3,
      now: () => clock,
    })

    clock = start + 2 * dayMs
    expect(await pruner.prune()).toEqual({ executions: 0, sessions: 0 })
    expect(await storage.sessions.get('s-old')).toBeDefined()

    clock = start + 4 * dayMs
    expect(await pruner.prune()).toEqual({ executions: 0, sessions: 1 })
    expect(await storage.sessions.get('s-old')).toBeUndefined()

    await seed(storage.executions, 'done-new', 'completed', start + 5 * dayMs)
    clock = start + 8 * dayMs
    expect(await pruner.prune()).toEqual({ executions: 7, sessions: 0 })
    expect(await storage.executions.get('done-0')).toBeUndefined()
    expect(await storage.executions.get('done-new')).toBeDefined()
    expect(await storage.executions.get('failed-old')).toBeDefined()

    clock = start + 31 * dayMs
    expect(await pruner.prune()).toEqual({ executions: 2, sessions: 0 })
    expect(await storage.executions.get('failed-old')).toBeUndefined()
    expect((await storage.executions.get('running-old'))?.status).toBe('running')
    await pruner.stop()
  })

  it('does nothing while another instance holds the lease', async () => {
    const storage = createMemoryStorage({ logger })
    const leases = storage.leases
    if (!leases) throw new Error('memory storage has leases')
    await seed(storage.executions, 'old', 'completed', 0)
    const options = {
      executions: storage.executions,
      sessions: storage.sessions,
      leases: storage.leases,
      rules: retentionRules({ executionsDays: 1 }),
      logger,
      intervalMs: 60_000,
      batchSize: 10,
      now: () => 10 * dayMs,
    }
    expect(await leases.acquire('retention-pruner', 'other', 60_000)).toBe(true)
    const pruner = createRetentionPruner({ ...options, instanceId: 'mine' })
    expect(await pruner.prune()).toBeUndefined()
    expect(await storage.executions.get('old')).toBeDefined()
    await leases.release('retention-pruner', 'other')
    expect(await pruner.prune()).toEqual({ executions: 1, sessions: 0 })
    await pruner.stop()
  })
})

describe('retention in a running gateway', () => {
  it('starts with the gateway when a window is set and prunes in the background', async () => {
    const storage = createMemoryStorage({ logger })
    await seed(storage.executions, 'ancient', 'completed', 1000)
    await seed(storage.executions, 'ancient-running', 'running', 1000)
    const test = await createTestGateway(undefined, {
      persistence: { backend: storage, retention: { executionsDays: 1, intervalSeconds: 1 } },
    })
    try {
      await test.gateway.start()
      await waitFor(async () => ((await storage.executions.get('ancient')) ? undefined : true))
      expect((await storage.executions.get('ancient-running'))?.status).toBe('running')
    } finally {
      await test.close()
    }
  })

  it('deletes nothing without a window', async () => {
    const storage = createMemoryStorage({ logger })
    await seed(storage.executions, 'ancient', 'completed', 1000)
    const test = await createTestGateway(undefined, { persistence: { backend: storage } })
    try {
      await test.gateway.start()
      expect(await storage.executions.get('ancient')).toBeDefined()
    } finally {
      await test.close()
    }
  })
})

describe('sqlite incremental vacuum', () => {
  it('returns freed pages after pruning on a file with auto_vacuum = INCREMENTAL, and skips other files', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'agw-retention-'))
    try {
      const file = path.join(directory, 'incremental.db')
      const raw = new Database(file)
      raw.pragma('auto_vacuum = INCREMENTAL')
      raw.close()
      const handle = await openDatabase({
        backend: 'sqlite',
        url: file,
        schema: null,
        tablePrefix: '',
        baseDirectory: directory,
      })
      await handle.migrateToLatest()
      const storage = createSqlStorage(handle.db, logger)
      const big = 'x'.repeat(20_000)
      for (let index = 0; index < 40; index++) {
        await seed(storage.executions, `e${index}`, 'completed', 1000)
        await storage.executions.appendSteps(`e${index}`, [
          { type: 'llm_call', data: { big }, durationMs: 1, attempt: 1, createdAt: 1000 },
        ])
      }
      const freePages = async () =>
        (await sql<{ freelist_count: number }>`PRAGMA freelist_count`.execute(handle.db)).rows[0]
          ?.freelist_count
      expect(
        await storage.executions.pruneFinished({
          statuses: ['completed'],
          completedBefore: 2000,
          limit: 100,
        }),
      ).toBe(40)
      expect(await freePages()).toBeGreaterThan(100)
      expect(await sqliteIncrementalVacuum(handle)).toBe(true)
      expect(await freePages()).toBe(0)
      await handle.close()

      const plain = await openDatabase({
        backend: 'sqlite',
        url: 'plain.db',
        schema: null,
        tablePrefix: '',
        baseDirectory: directory,
      })
      await plain.migrateToLatest()
      expect(await sqliteIncrementalVacuum(plain)).toBe(false)
      await plain.close()
    } finally {
      await rm(directory, { recursive: true, force: true })
    }
  })
})

const postgres = await requireService('PostgreSQL', 5432)
describe.skipIf(!postgres.available)('retention pruner on postgres: two instances', () => {
  const schema = uniqueName('agw_retention')
  const handles: GatewayDatabaseHandle[] = []
  const storages: GatewayStorage[] = []

  beforeAll(async () => {
    for (let index = 0; index < 2; index++) {
      const handle = await openDatabase({
        backend: 'postgres',
        url: postgresUrl,
        schema,
        tablePrefix: '',
        baseDirectory: '.',
      })
      if (index === 0) await handle.migrateToLatest()
      handles.push(handle)
      storages.push(createSqlStorage(handle.db, logger))
    }
  })

  afterAll(async () => {
    await Promise.all(handles.map((handle) => handle.close()))
    const client = new pg.Client({ connectionString: postgresUrl })
    await client.connect()
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await client.end()
  })

  it('only one of two instances prunes in a round', async () => {
    const [first, second] = storages as [GatewayStorage, GatewayStorage]
    for (let index = 0; index < 5; index++)
      await seed(first.executions, `${schema}-${index}`, 'completed', dayMs)
    const pruners = [first, second].map((storage, index) =>
      createRetentionPruner({
        executions: storage.executions,
        sessions: storage.sessions,
        leases: storage.leases,
        instanceId: `instance-${index}`,
        rules: retentionRules({ executionsDays: 1 }),
        logger,
        intervalMs: 60_000,
        batchSize: 2,
        now: () => 10 * dayMs,
      }),
    )
    const results = await Promise.all(pruners.map((pruner) => pruner.prune()))
    const ran = results.filter((result) => result !== undefined)
    expect(ran).toHaveLength(1)
    expect(ran[0]).toEqual({ executions: 5, sessions: 0 })
    // The holder keeps the lease for later rounds; the other still stays out.
    expect(await pruners[results.indexOf(ran[0])]?.prune()).toEqual({ executions: 0, sessions: 0 })
    expect(await pruners[results.indexOf(undefined)]?.prune()).toBeUndefined()
    for (const pruner of pruners) await pruner.stop()
  })
})
