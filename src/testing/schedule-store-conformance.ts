import assert from 'node:assert/strict'
import type { ScheduleRecord, ScheduleStore } from '../core/ports/schedule-store.ts'
import { defineStoreSuite, type StoreFixture, type StoreSuiteOptions } from './store-suite.ts'
import type { TestFunctions } from './test-functions.ts'
import { uniqueId } from './unique-id.ts'

// A fixed clock: stores take every time from their caller.
const start = 1_700_000_000_000

function schedule(overrides: Partial<ScheduleRecord> = {}): ScheduleRecord {
  return {
    id: uniqueId('schedule'),
    agentId: 'helper',
    name: 'nightly',
    source: 'admin',
    ownerId: null,
    runAs: { kind: 'system' },
    cron: '0 3 * * *',
    timezone: null,
    message: 'Run the report',
    input: { region: 'eu', nested: { days: [1, 2] } },
    instructions: null,
    notify: null,
    enabled: true,
    misfireGraceSeconds: null,
    coalesce: null,
    maxInstances: null,
    nextRunAt: start + 60_000,
    lastRunAt: null,
    createdAt: start,
    updatedAt: start,
    ...overrides,
  }
}

/**
 * Registers the `ScheduleStore` conformance tests: every schedule store — shipped or your own —
 * must pass them. Times are passed in, so nothing waits.
 *
 * Covered: a schedule reads back as stored (JSON fields, nulls, flags); creating an existing id
 * changes nothing; updates apply only the given fields; listing by owner; `listDue` returns only
 * enabled schedules due by then, soonest first; **a claim succeeds exactly once** among
 * concurrent claims on two handles, never on a paused schedule or a stale expectation; a tick's
 * run is recorded once, manual runs always; runs list newest first; deleting removes the runs.
 *
 * @example
 * ```ts
 * defineScheduleStoreConformance({ describe, it, beforeAll, afterAll }, 'my store', async () => {
 *   const store = await openMyStore()
 *   return { store, connectAnother: () => openMyStore(), cleanup: () => store.close() }
 * })
 * ```
 */
export function defineScheduleStoreConformance(
  test: TestFunctions,
  name: string,
  factory: () => Promise<StoreFixture<ScheduleStore>>,
  options?: StoreSuiteOptions,
): void {
  defineStoreSuite(
    test,
    `ScheduleStore conformance: ${name}`,
    factory,
    (fixture, it) => {
      it('reads a schedule back as stored and refuses a second create of its id', async () => {
        const store = fixture.store()
        const record = schedule({
          timezone: 'Europe/Lisbon',
          notify: { channel: 'webhook', target: 'ops' },
          coalesce: false,
          maxInstances: 2,
          misfireGraceSeconds: 0,
          ownerId: 'key:alice',
          source: 'user',
        })
        assert.equal(await store.create(record), true)
        assert.deepEqual(await (await fixture.another()).get(record.id), record)
        assert.equal(await store.create({ ...record, message: 'other' }), false)
        assert.equal((await store.get(record.id))?.message, 'Run the report')
        assert.equal(await store.get(uniqueId('missing')), undefined)
      })

      it('updates only the given fields and sets updatedAt', async () => {
        const store = fixture.store()
        const record = schedule()
        await store.create(record)
        const updated = await store.update(
          record.id,
          { enabled: false, nextRunAt: null, coalesce: true },
          start + 5,
        )
        assert.deepEqual(updated, {
          ...record,
          enabled: false,
          nextRunAt: null,
          coalesce: true,
          updatedAt: start + 5,
        })
        assert.equal(await store.update(uniqueId('missing'), { enabled: false }, start), undefined)
      })

      it("lists every schedule or one owner's, by id", async () => {
        const store = fixture.store()
        const owner = uniqueId('owner')
        const [b, a] = [
          schedule({ id: `${owner}-b`, ownerId: owner }),
          schedule({ id: `${owner}-a`, ownerId: owner }),
        ]
        await store.create(b)
        await store.create(a)
        assert.deepEqual(
          (await store.list({ ownerId: owner })).map((record) => record.id),
          [a.id, b.id],
        )
        const all = (await store.list()).map((record) => record.id)
        assert.ok(all.includes(a.id) && all.includes(b.id))
      })

      it('lists as due only enabled schedules whose next run has come, soonest first', async () => {
        const store = fixture.store()
        // Far in the future of other tests' schedules, so only these are due in the window.
        const base = start + 10 ** 12
        const later = schedule({ nextRunAt: base + 20 })
        const sooner = schedule({ nextRunAt: base + 10 })
        const paused = schedule({ nextRunAt: base + 5, enabled: false })
        const notYet = schedule({ nextRunAt: base + 1000 })
        for (const record of [later, sooner, paused, notYet]) await store.create(record)
        const due = (await store.listDue(base + 30, 100)).filter((record) => record.nextRunAt! >= base)
        assert.deepEqual(
          due.map((record) => record.id),
          [sooner.id, later.id],
        )
      })

      it('lets exactly one of concurrent claims on two handles win, and none on a paused or stale schedule', async () => {
        const [first, second] = [fixture.store(), await fixture.another()]
        const record = schedule()
        await first.create(record)
        const expected = record.nextRunAt as number
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, index) =>
            (index % 2 === 0 ? first : second).claim(
              record.id,
              expected,
              expected + 60_000,
              expected,
              start + 1,
            ),
          ),
        )
        assert.equal(results.filter(Boolean).length, 1)
        assert.deepEqual(await first.get(record.id), {
          ...record,
          nextRunAt: expected + 60_000,
          lastRunAt: expected,
          updatedAt: start + 1,
        })
        assert.equal(await first.claim(record.id, expected, expected + 1, expected, start + 2), false)
        const paused = schedule({ enabled: false })
        await first.create(paused)
        assert.equal(await first.claim(paused.id, paused.nextRunAt as number, null, null, start), false)
      })

      it('records a tick once, manual runs always, and lists runs newest first; delete removes them', async () => {
        const [first, second] = [fixture.store(), await fixture.another()]
        const record = schedule()
        await first.create(record)
        const tick = {
          scheduleId: record.id,
          trigger: 'schedule' as const,
          fireTime: start + 60_000,
          status: 'submitted' as const,
          executionId: 'exec-1',
          reason: null,
          createdAt: start + 60_001,
        }
        const outcomes = await Promise.all([
          first.recordRun(tick),
          second.recordRun({ ...tick, executionId: 'exec-2' }),
        ])
        assert.deepEqual(outcomes.sort(), [false, true])
        const manual = {
          ...tick,
          trigger: 'manual' as const,
          fireTime: start + 90_000,
          executionId: 'exec-3',
        }
        assert.equal(await first.recordRun(manual), true)
        assert.equal(await first.recordRun({ ...manual, executionId: 'exec-4' }), true)
        const skipped = {
          ...tick,
          fireTime: start + 120_000,
          status: 'skipped' as const,
          executionId: null,
          reason: 'misfire',
        }
        assert.equal(await first.recordRun(skipped), true)
        const runs = await second.listRuns(record.id, 10)
        assert.deepEqual(
          runs.map((run) => [run.trigger, run.fireTime - start, run.status, run.reason]),
          [
            ['schedule', 120_000, 'skipped', 'misfire'],
            ['manual', 90_000, 'submitted', null],
            ['manual', 90_000, 'submitted', null],
            ['schedule', 60_000, 'submitted', null],
          ],
        )
        assert.equal((await first.listRuns(record.id, 2)).length, 2)
        assert.equal(await first.delete(record.id), true)
        assert.equal(await first.get(record.id), undefined)
        assert.deepEqual(await first.listRuns(record.id, 10), [])
        assert.equal(await first.delete(record.id), false)
      })
    },
    options,
  )
}
