/** Where a schedule comes from: an AGENT.md, an admin (API/dashboard), or a user's own. */
export type ScheduleSource = 'workspace' | 'admin' | 'user'

/**
 * Where a run's outcome is announced, as written in the schedule's `notify` (channel, target,
 * which outcomes). Stored as given and handed to the execution; notification routing reads it.
 */
export type ScheduleNotify = Record<string, unknown>

/** A schedule as stored. Times are epoch milliseconds. */
export interface ScheduleRecord {
  /** `<agent>:<name>` (workspace), `admin:<agent>:<name>`, `user:<owner>:<agent>:<hex>`. */
  id: string
  agentId: string
  name: string
  source: ScheduleSource
  /** The principal who owns a user schedule; `null` for workspace and admin schedules. */
  ownerId: string | null
  /**
   * Who the runs execute as, as plain JSON (a job identity): the owner for user schedules,
   * `{kind: 'system'}` otherwise.
   */
  runAs: Record<string, unknown>
  cron: string
  /** IANA time zone; `null` follows the gateway's `timezone`. */
  timezone: string | null
  message: string
  input: Record<string, unknown>
  instructions: string | null
  notify: ScheduleNotify | null
  /** `false`: paused. A paused workspace schedule stays paused across restarts. */
  enabled: boolean
  /** Per-schedule overrides of the `scheduler` section; `null` uses the section's value. */
  misfireGraceSeconds: number | null
  coalesce: boolean | null
  maxInstances: number | null
  /** The next tick to claim; `null` while paused or when the expression never fires again. */
  nextRunAt: number | null
  /** The last tick that was claimed, or the last manual run. */
  lastRunAt: number | null
  createdAt: number
  updatedAt: number
}

/** What may change on a schedule after it is created. */
export type SchedulePatch = Partial<
  Pick<
    ScheduleRecord,
    | 'cron'
    | 'timezone'
    | 'message'
    | 'input'
    | 'instructions'
    | 'notify'
    | 'enabled'
    | 'misfireGraceSeconds'
    | 'coalesce'
    | 'maxInstances'
    | 'nextRunAt'
    | 'lastRunAt'
  >
>

/** One firing of a schedule, or one decision not to fire. */
export interface ScheduleRunRecord {
  scheduleId: string
  /** `schedule`: a cron tick (`fireTime` is the tick); `manual`: "trigger now". */
  trigger: 'schedule' | 'manual'
  /** The tick this run is for, or when a manual trigger happened. */
  fireTime: number
  /** `submitted`: an execution was queued; `skipped`: not run (see `reason`). */
  status: 'submitted' | 'skipped'
  executionId: string | null
  /** Why a tick was skipped (`misfire`, `max_instances`, `coalesced`, `submit_failed`). */
  reason: string | null
  createdAt: number
}

/**
 * Schedules and their runs, shared by every instance. The scheduler on each instance reads the
 * due schedules and **claims** a tick with {@link ScheduleStore.claim} — a compare-and-set on
 * `nextRunAt` — so of any number of instances exactly one owns each tick; no lock is held.
 * Times are passed in by the caller; a store never reads a clock of its own.
 */
export interface ScheduleStore {
  /** Every schedule, or only one owner's (`ownerId`), ordered by id. */
  list(filter?: { ownerId?: string | undefined }): Promise<ScheduleRecord[]>
  get(id: string): Promise<ScheduleRecord | undefined>
  /** Stores a new schedule; resolves `false`, changing nothing, when the id exists. */
  create(record: ScheduleRecord): Promise<boolean>
  /** Applies `patch` and sets `updatedAt`; the updated schedule, or `undefined` when missing. */
  update(id: string, patch: SchedulePatch, at: number): Promise<ScheduleRecord | undefined>
  /** Removes the schedule and its runs; `false` when there was none. Idempotent. */
  delete(id: string): Promise<boolean>
  /**
   * Enabled schedules whose `nextRunAt` is at or before `until`, soonest first, at most `limit`
   * of them. Paused schedules and those without a next run are never returned.
   */
  listDue(until: number, limit: number): Promise<ScheduleRecord[]>
  /**
   * The claim. Sets `nextRunAt` to `next` and `lastRunAt` to `lastRunAt` **only if** the
   * schedule is enabled and its `nextRunAt` is still `expectedNextRunAt`; resolves whether it
   * did. Atomic across instances: of concurrent claims with the same expectation exactly one
   * resolves `true`, and its caller owns every tick up to `next`.
   */
  claim(
    id: string,
    expectedNextRunAt: number,
    next: number | null,
    lastRunAt: number | null,
    at: number,
  ): Promise<boolean>
  /**
   * Records a run. A `schedule` run is unique per `(scheduleId, fireTime)`: recording a tick
   * that is already recorded resolves `false` and changes nothing — a second guard beside the
   * claim. Manual runs are never refused.
   */
  recordRun(run: ScheduleRunRecord): Promise<boolean>
  /** The schedule's runs, newest first (`fireTime`, then `createdAt`), at most `limit`. */
  listRuns(scheduleId: string, limit: number): Promise<ScheduleRunRecord[]>
}
