import { describe, expect, it } from 'vitest'
import { createMemoryExecutionStore } from '../../adapters/storage/memory-execution-store.ts'
import { createMemoryScheduleStore } from '../../adapters/storage/memory-schedule-store.ts'
import { systemViewer, toViewer } from '../../core/authorization.ts'
import { emptyUsage } from '../../core/execution-types.ts'
import { createSilentLogger } from '../../core/logger.ts'
import type { ScheduleStore } from '../../core/ports/schedule-store.ts'
import type { AgentDefinition } from '../../core/workspace/model.ts'
import type { ScheduleDefinition } from '../../core/workspace/schemas.ts'
import type { ExecutionService, SubmitRequest } from '../executions/create-execution-service.ts'
import { createScheduleService } from './create-schedule-service.ts'

const at = (iso: string) => Date.parse(iso)

/**
 * The execution side as the scheduler sees it: `submit` records a queued execution in a real
 * memory store (the queue itself is not under test), and tests finish executions by hand.
 */
function createExecutions() {
  const store = createMemoryExecutionStore()
  const submitted: SubmitRequest[] = []
  const service = {
    store,
    async submit(request: SubmitRequest) {
      submitted.push(request)
      const id = request.executionId ?? `exec-${submitted.length}`
      const record = {
        id,
        agentId: request.agentId,
        status: 'queued' as const,
        kind: 'invoke' as const,
        message: request.message,
        input: request.input,
        options: { queued: true, ...(request.origin ?? {}) },
        result: null,
        error: null,
        usage: null,
        sessionId: null,
        principalId: null,
        parentExecutionId: null,
        rootExecutionId: id,
        depth: 0,
        attempts: 0,
        createdAt: 0,
        startedAt: null,
        completedAt: null,
        cancelRequestedAt: null,
      }
      await store.create(record)
      return record
    },
  } as unknown as ExecutionService
  return {
    service,
    submitted,
    finish: (id: string) =>
      store.finish(id, { status: 'completed', result: null, error: null, usage: emptyUsage(), at: 0 }),
  }
}

function agentWith(schedules: Partial<ScheduleDefinition>[]): AgentDefinition {
  return {
    id: 'briefer',
    schedules: schedules.map((schedule, index) => ({
      name: `s${index}`,
      cron: '0 * * * *',
      message: 'brief',
      input: {},
      enabled: true,
      ...schedule,
    })),
  } as AgentDefinition
}

function setup(
  options: {
    store?: ScheduleStore
    defaults?: Partial<{ misfireGraceSeconds: number; coalesce: boolean }>
  } = {},
) {
  let now = at('2026-06-01T09:59:00Z')
  const store = options.store ?? createMemoryScheduleStore()
  const executions = createExecutions()
  const service = createScheduleService({
    store,
    executions: executions.service,
    defaults: {
      timezone: 'UTC',
      misfireGraceSeconds: 60,
      coalesce: true,
      maxInstances: 1,
      ...options.defaults,
    },
    agentExists: async (id) => id === 'briefer',
    logger: createSilentLogger(),
    now: () => now,
  })
  return {
    store,
    service,
    executions,
    setNow(iso: string) {
      now = at(iso)
    },
    async ticks(id: string) {
      return (await store.listRuns(id, 100))
        .filter((run) => run.trigger === 'schedule')
        .map((run) => [new Date(run.fireTime).toISOString().slice(11, 16), run.status, run.reason])
        .reverse()
    },
  }
}

describe('the scheduler, on an injected clock', () => {
  it('fires a tick once when it is due, and queues a normal execution marked as a schedule run', async () => {
    const test = setup()
    await test.service.syncWorkspace([agentWith([{ input: { region: 'eu' }, instructions: 'Short.' }])])
    await test.service.scheduler.tick()
    expect(test.executions.submitted).toHaveLength(0)
    test.setNow('2026-06-01T10:00:00.300Z')
    await test.service.scheduler.tick()
    await test.service.scheduler.tick()
    expect(test.executions.submitted).toHaveLength(1)
    expect(test.executions.submitted[0]).toMatchObject({
      agentId: 'briefer',
      message: 'brief',
      input: { region: 'eu' },
      viewer: systemViewer,
      origin: { trigger: 'schedule', scheduleId: 'briefer:s0', scheduleName: 's0', instructions: 'Short.' },
    })
    const record = await test.store.get('briefer:s0')
    expect(record).toMatchObject({
      lastRunAt: at('2026-06-01T10:00:00Z'),
      nextRunAt: at('2026-06-01T11:00:00Z'),
    })
  })

  it('lets only one of two schedulers on one store fire a tick', async () => {
    const store = createMemoryScheduleStore()
    const [first, second] = [setup({ store }), setup({ store })]
    await first.service.syncWorkspace([agentWith([{}])])
    await second.service.syncWorkspace([agentWith([{}])])
    first.setNow('2026-06-01T10:00:01Z')
    second.setNow('2026-06-01T10:00:01Z')
    await Promise.all([first.service.scheduler.tick(), second.service.scheduler.tick()])
    expect(first.executions.submitted.length + second.executions.submitted.length).toBe(1)
  })

  it('skips and records ticks missed by more than misfire_grace_seconds, and runs one within it on start', async () => {
    const test = setup()
    await test.service.syncWorkspace([agentWith([{}])])
    // Every instance was down from 09:59 to 13:00:30: the 10, 11 and 12 o'clock ticks are long gone,
    // 13:00 is 30 s late — within the 60 s grace.
    test.setNow('2026-06-01T13:00:30Z')
    await test.service.scheduler.tick()
    expect(await test.ticks('briefer:s0')).toEqual([
      ['10:00', 'skipped', 'misfire'],
      ['11:00', 'skipped', 'misfire'],
      ['12:00', 'skipped', 'misfire'],
      ['13:00', 'submitted', null],
    ])
    expect(test.executions.submitted).toHaveLength(1)
    // Down again until well past 14:00: nothing within grace, nothing runs.
    test.setNow('2026-06-01T14:05:00Z')
    await test.service.scheduler.tick()
    expect(test.executions.submitted).toHaveLength(1)
    expect((await test.ticks('briefer:s0')).at(-1)).toEqual(['14:00', 'skipped', 'misfire'])
  })

  it('coalesces missed ticks within the grace into one run', async () => {
    const test = setup()
    await test.service.syncWorkspace([agentWith([{ misfireGraceSeconds: 4 * 3600 }])])
    test.setNow('2026-06-01T12:30:00Z')
    await test.service.scheduler.tick()
    expect(test.executions.submitted).toHaveLength(1)
    expect(await test.ticks('briefer:s0')).toEqual([
      ['10:00', 'skipped', 'coalesced'],
      ['11:00', 'skipped', 'coalesced'],
      ['12:00', 'submitted', null],
    ])
  })

  it('runs every missed tick within the grace when coalesce is off', async () => {
    const test = setup({ defaults: { coalesce: false } })
    await test.service.syncWorkspace([agentWith([{ misfireGraceSeconds: 4 * 3600, maxInstances: 5 }])])
    test.setNow('2026-06-01T12:30:00Z')
    await test.service.scheduler.tick()
    expect(await test.ticks('briefer:s0')).toEqual([
      ['10:00', 'submitted', null],
      ['11:00', 'submitted', null],
      ['12:00', 'submitted', null],
    ])
    expect(test.executions.submitted).toHaveLength(3)
  })

  it('skips a tick while max_instances runs are still active, counted from stored runs', async () => {
    const test = setup()
    await test.service.syncWorkspace([agentWith([{ cron: '* * * * *' }])])
    test.setNow('2026-06-01T10:00:00Z')
    await test.service.scheduler.tick()
    expect(test.executions.submitted).toHaveLength(1)
    test.setNow('2026-06-01T10:01:00Z')
    await test.service.scheduler.tick()
    expect(test.executions.submitted).toHaveLength(1)
    await test.executions.finish(test.executions.submitted[0]?.executionId as string)
    test.setNow('2026-06-01T10:02:00Z')
    await test.service.scheduler.tick()
    expect(test.executions.submitted).toHaveLength(2)
    expect(await test.ticks('briefer:s0')).toEqual([
      ['10:00', 'submitted', null],
      ['10:01', 'skipped', 'max_instances'],
      ['10:02', 'submitted', null],
    ])
  })

  it('keeps a paused schedule paused across a restart, and resumes from the next tick', async () => {
    const store = createMemoryScheduleStore()
    const first = setup({ store })
    await first.service.syncWorkspace([agentWith([{}])])
    await first.service.setEnabled('briefer:s0', false, systemViewer)
    // A restart: a new service on the same store syncs the same workspace.
    const restarted = setup({ store })
    await restarted.service.syncWorkspace([agentWith([{}])])
    expect(await store.get('briefer:s0')).toMatchObject({ enabled: false, nextRunAt: null })
    restarted.setNow('2026-06-01T12:00:30Z')
    await restarted.service.scheduler.tick()
    expect(restarted.executions.submitted).toHaveLength(0)
    const resumed = await restarted.service.setEnabled('briefer:s0', true, systemViewer)
    expect(resumed.nextRunAt).toBe(at('2026-06-01T13:00:00Z'))
  })

  it('removes a schedule gone from AGENT.md and restarts one whose cron changed from its next tick', async () => {
    const test = setup()
    await test.service.syncWorkspace([agentWith([{}, {}])])
    expect((await test.store.list()).map((record) => record.id)).toEqual(['briefer:s0', 'briefer:s1'])
    await test.service.syncWorkspace([agentWith([{ cron: '30 9 * * *', timezone: 'Europe/Lisbon' }])])
    const records = await test.store.list()
    expect(records.map((record) => record.id)).toEqual(['briefer:s0'])
    // 09:30 in Lisbon is 08:30 UTC in summer: the next one is tomorrow's.
    expect(records[0]?.nextRunAt).toBe(at('2026-06-02T08:30:00Z'))
  })

  it('runs a manual trigger without consuming the next tick, recorded as manual', async () => {
    const test = setup()
    await test.service.syncWorkspace([agentWith([{}])])
    const before = await test.store.get('briefer:s0')
    const { executionId } = await test.service.trigger('briefer:s0', systemViewer)
    const after = await test.store.get('briefer:s0')
    expect(after?.nextRunAt).toBe(before?.nextRunAt)
    expect(test.executions.submitted[0]).toMatchObject({ executionId, origin: { trigger: 'manual' } })
    const runs = await test.service.runs('briefer:s0', systemViewer)
    expect(runs).toMatchObject([{ trigger: 'manual', executionId, executionStatus: 'queued' }])
  })

  it('shows users only their own schedules and runs them as their owner', async () => {
    const test = setup()
    await test.service.syncWorkspace([agentWith([{}])])
    const alice = toViewer({ id: 'key:alice', kind: 'api_key', scopes: ['schedules:write'] })
    const bob = toViewer({ id: 'key:bob', kind: 'api_key', scopes: ['schedules:write'] })
    const mine = await test.service.create(
      { agentId: 'briefer', name: 'mine', cron: '@hourly', message: 'hi' },
      alice,
    )
    expect(mine).toMatchObject({ source: 'user', ownerId: 'key:alice' })
    expect((await test.service.listVisible(alice)).map((record) => record.id)).toEqual([mine.id])
    expect(await test.service.listVisible(bob)).toEqual([])
    await expect(test.service.getVisible(mine.id, bob)).rejects.toMatchObject({ code: 'schedule_not_found' })
    await expect(test.service.getVisible('briefer:s0', alice)).rejects.toMatchObject({
      code: 'schedule_not_found',
    })
    await test.service.trigger(mine.id, alice)
    expect(test.executions.submitted[0]?.viewer).toMatchObject({
      kind: 'principal',
      principal: { id: 'key:alice' },
    })
  })

  it('refuses a bad cron expression or time zone with the field that is wrong', async () => {
    const test = setup()
    await expect(
      test.service.create({ agentId: 'briefer', name: 'x', cron: '61 * * * *', message: 'hi' }, systemViewer),
    ).rejects.toMatchObject({ code: 'validation_failed', details: [{ path: '/cron' }] })
    await expect(
      test.service.create(
        { agentId: 'briefer', name: 'x', cron: '@daily', message: 'hi', timezone: 'Mars/Base' },
        systemViewer,
      ),
    ).rejects.toMatchObject({ code: 'validation_failed', details: [{ path: '/timezone' }] })
  })
})
