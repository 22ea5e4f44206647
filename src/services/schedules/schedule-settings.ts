import type { ScheduleRecord } from '../../core/ports/schedule-store.ts'
import { nextFireTime } from '../../core/schedules/cron.ts'

/** The `scheduler` section and the gateway's `timezone`: what a schedule falls back to. */
export interface SchedulerDefaults {
  /** The gateway's `timezone` (UTC by default). */
  timezone: string
  misfireGraceSeconds: number
  coalesce: boolean
  maxInstances: number
}

/** A schedule's effective settings: its own value, else the `scheduler` section's. */
export function settingsOf(record: ScheduleRecord, defaults: SchedulerDefaults) {
  return {
    timezone: record.timezone ?? defaults.timezone,
    misfireGraceMs: (record.misfireGraceSeconds ?? defaults.misfireGraceSeconds) * 1000,
    coalesce: record.coalesce ?? defaults.coalesce,
    maxInstances: record.maxInstances ?? defaults.maxInstances,
  }
}

/** The schedule's next tick after `now`, in its effective time zone. */
export function nextRunOf(
  record: Pick<ScheduleRecord, 'cron' | 'timezone'>,
  defaults: SchedulerDefaults,
  now: number,
): number | null {
  return nextFireTime(record.cron, record.timezone ?? defaults.timezone, now)
}
