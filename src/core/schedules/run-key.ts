import type { ScheduleRunRecord } from '../ports/schedule-store.ts'

/**
 * The unique key of a schedule run: one per tick (`<schedule>|tick|<fire time>`), one per manual
 * execution. Stores refuse a second run with the same key.
 */
export function scheduleRunKey(run: ScheduleRunRecord): string {
  return run.trigger === 'schedule'
    ? `${run.scheduleId}|tick|${run.fireTime}`
    : `${run.scheduleId}|manual|${run.executionId ?? run.createdAt}`
}
