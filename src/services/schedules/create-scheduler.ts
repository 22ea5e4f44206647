import { terminalStatuses } from '../../core/execution-types.ts'
import type { Logger } from '../../core/logger.ts'
import type { ScheduleRecord, ScheduleStore } from '../../core/ports/schedule-store.ts'
import { fireTimesBetween } from '../../core/schedules/cron.ts'
import { newExecutionId } from '../agent-runner.ts'
import type { ExecutionService } from '../executions/create-execution-service.ts'
import { fromJobIdentity } from '../executions/job-identity.ts'
import { nextRunOf, type SchedulerDefaults, settingsOf } from './schedule-settings.ts'

/** The longest the ticker sleeps: schedules changed on another instance are seen this soon. */
export const maxPollMs = 1000
/** Missed ticks looked at per schedule and claim, at most (older ones are skipped as misfires). */
const maxMissedTicks = 1000
/** Recent runs read to count the ones still active (`max_instances`). */
const activeWindow = 50

export interface CreateSchedulerOptions {
  store: ScheduleStore
  executions: ExecutionService
  defaults: SchedulerDefaults
  logger: Logger
  /** The clock; tests pass their own and call `tick()` instead of waiting. @default Date.now */
  now?: () => number
}

/** What one firing of a schedule did. */
export type FireOutcome =
  | { status: 'submitted'; executionId: string }
  | { status: 'skipped'; reason: 'max_instances' | 'submit_failed' | 'already_recorded' }

/**
 * The ticker. Every instance may run one: each tick reads the due schedules and **claims** them
 * with a compare-and-set on `next_run_at` (`ScheduleStore.claim`), so exactly one instance owns
 * each tick and fires it — by queueing a normal execution (`trigger: schedule`). No lock, no
 * leader: an instance that dies simply stops claiming.
 *
 * A claim owns every tick between the stored `next_run_at` and now. Of those, ticks later than
 * `misfire_grace_seconds` (plus one poll interval, so a tick found by a regular poll is never a
 * misfire) are skipped and logged; of the rest, `coalesce` runs only the newest. A tick is
 * skipped while `max_instances` runs of the schedule are still queued or running — counted from
 * the runs recorded in the database, not from this process's memory.
 */
export function createScheduler(options: CreateSchedulerOptions) {
  const { store, executions, defaults, logger } = options
  const now = options.now ?? Date.now
  let timer: ReturnType<typeof setTimeout> | undefined
  let running: Promise<void> | undefined
  let stopped = true

  async function activeRuns(scheduleId: string): Promise<number> {
    let active = 0
    for (const run of await store.listRuns(scheduleId, activeWindow)) {
      if (run.status !== 'submitted' || !run.executionId) continue
      const record = await executions.store.get(run.executionId)
      if (record && !terminalStatuses.includes(record.status)) active++
    }
    return active
  }

  /**
   * Queues one run of the schedule. A `schedule` run is recorded first — unique per tick, a
   * second guard beside the claim — and then submitted; a manual run never consumes a tick.
   */
  async function fire(
    record: ScheduleRecord,
    trigger: 'schedule' | 'manual',
    fireTime: number,
  ): Promise<FireOutcome> {
    const at = now()
    if (trigger === 'schedule') {
      const { maxInstances } = settingsOf(record, defaults)
      if ((await activeRuns(record.id)) >= maxInstances) {
        await store.recordRun({
          scheduleId: record.id,
          trigger,
          fireTime,
          status: 'skipped',
          executionId: null,
          reason: 'max_instances',
          createdAt: at,
        })
        logger.warn(
          { scheduleId: record.id, fireTime: new Date(fireTime).toISOString(), maxInstances },
          'skipped a schedule tick: the previous run is still active (max_instances)',
        )
        return { status: 'skipped', reason: 'max_instances' }
      }
    }
    const executionId = newExecutionId()
    const recorded = await store.recordRun({
      scheduleId: record.id,
      trigger,
      fireTime,
      status: 'submitted',
      executionId,
      reason: null,
      createdAt: at,
    })
    if (!recorded) return { status: 'skipped', reason: 'already_recorded' }
    const viewer = fromJobIdentity(record.runAs)
    if (!viewer) {
      logger.error({ scheduleId: record.id }, 'a schedule has no valid identity to run as; not run')
      return { status: 'skipped', reason: 'submit_failed' }
    }
    try {
      await executions.submit({
        agentId: record.agentId,
        message: record.message,
        input: record.input,
        viewer,
        executionId,
        origin: {
          trigger,
          scheduleId: record.id,
          scheduleName: record.name,
          notify: record.notify,
          instructions: record.instructions,
        },
      })
      return { status: 'submitted', executionId }
    } catch (error) {
      logger.error({ err: error, scheduleId: record.id, executionId }, 'a schedule run could not be queued')
      return { status: 'skipped', reason: 'submit_failed' }
    }
  }

  /** Claims and fires what is due on one schedule. */
  async function handleDue(record: ScheduleRecord, at: number): Promise<void> {
    const expected = record.nextRunAt
    if (expected === null) return
    const settings = settingsOf(record, defaults)
    const due = [expected, ...fireTimesBetween(record.cron, settings.timezone, expected, at, maxMissedTicks)]
    const next = nextRunOf(record, defaults, Math.max(at, due.at(-1) ?? at))
    const lastTick = due.at(-1) ?? expected
    if (!(await store.claim(record.id, expected, next, lastTick, at))) return
    const lateness = settings.misfireGraceMs + maxPollMs
    const missed = due.filter((tick) => at - tick > lateness)
    const inGrace = due.filter((tick) => at - tick <= lateness)
    if (missed.length > 0) {
      logger.warn(
        {
          scheduleId: record.id,
          missed: missed.length,
          first: new Date(missed[0] as number).toISOString(),
          graceSeconds: settings.misfireGraceMs / 1000,
        },
        'skipped schedule ticks missed by more than misfire_grace_seconds',
      )
      for (const tick of missed.slice(-10)) {
        await store.recordRun({
          scheduleId: record.id,
          trigger: 'schedule',
          fireTime: tick,
          status: 'skipped',
          executionId: null,
          reason: 'misfire',
          createdAt: at,
        })
      }
    }
    const toFire = settings.coalesce ? inGrace.slice(-1) : inGrace
    if (settings.coalesce && inGrace.length > 1) {
      logger.info(
        { scheduleId: record.id, ticks: inGrace.length },
        'coalesced missed schedule ticks into one run',
      )
      for (const tick of inGrace.slice(0, -1).slice(-10)) {
        await store.recordRun({
          scheduleId: record.id,
          trigger: 'schedule',
          fireTime: tick,
          status: 'skipped',
          executionId: null,
          reason: 'coalesced',
          createdAt: at,
        })
      }
    }
    for (const tick of toFire) await fire(record, 'schedule', tick)
  }

  /** One pass: claims and fires every due schedule. Resolves the ms until the next due tick. */
  async function tick(): Promise<number> {
    const at = now()
    for (const record of await store.listDue(at, 100)) {
      try {
        await handleDue(record, at)
      } catch (error) {
        logger.error({ err: error, scheduleId: record.id }, 'firing a schedule failed')
      }
    }
    const [soonest] = await store.listDue(at + maxPollMs, 1)
    return soonest?.nextRunAt == null ? maxPollMs : Math.max(0, soonest.nextRunAt - now())
  }

  function loop(): void {
    if (stopped) return
    running = tick()
      .catch((error: unknown) => {
        logger.warn({ err: error }, 'the scheduler tick failed; retrying')
        return maxPollMs
      })
      .then((waitMs) => {
        running = undefined
        if (stopped) return
        // A little jitter keeps instances from polling in lockstep.
        timer = setTimeout(loop, Math.min(maxPollMs, waitMs) + 5 + Math.floor(Math.random() * 20))
        timer.unref?.()
      })
  }

  return {
    tick,
    fire,
    /** Starts the ticker in this process. */
    start(): void {
      if (!stopped) return
      stopped = false
      loop()
    },
    /** Stops the ticker and waits for a tick in progress. */
    async stop(): Promise<void> {
      stopped = true
      if (timer) clearTimeout(timer)
      await running
    },
  }
}

export type Scheduler = ReturnType<typeof createScheduler>
