import { Cron } from 'croner'

/**
 * Cron expressions as schedules use them, evaluated by `croner`: 5 fields (minute precision) or
 * 6 (a leading seconds field), ranges, steps, names, and the `@yearly`/`@monthly`/`@weekly`/
 * `@daily`/`@hourly` aliases, in an IANA time zone with its DST transitions. Pure: the caller
 * passes every time in, so schedules are evaluated against one clock.
 */

/** Whether `timezone` is an IANA time zone name this runtime knows. */
export function isKnownTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone })
    return true
  } catch {
    return false
  }
}

function compile(expression: string, timezone: string): Cron {
  // `paused`: croner only evaluates; firing is the scheduler's job (a claim in the database).
  return new Cron(expression, { timezone, paused: true })
}

/** Why the expression or the time zone is unusable, or `undefined` when both are fine. */
export function checkCron(expression: string, timezone = 'UTC'): string | undefined {
  if (!isKnownTimezone(timezone)) return `"${timezone}" is not a known IANA time zone`
  const fields = expression.trim().split(/\s+/)
  if (!expression.trim().startsWith('@') && fields.length !== 5 && fields.length !== 6) {
    return `"${expression}" has ${fields.length} fields; a cron expression has 5 (minute hour day month weekday) or 6 (with seconds first)`
  }
  try {
    const cron = compile(expression, timezone)
    if (cron.nextRun(new Date(0)) === null && cron.nextRun() === null) return `"${expression}" never fires`
    return undefined
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/^CronPattern:\s*/, '') : String(error)
    return `"${expression}" is not a valid cron expression: ${message}`
  }
}

/** The first fire time strictly after `after` (epoch ms), or `null` when there is none. */
export function nextFireTime(expression: string, timezone: string, after: number): number | null {
  return compile(expression, timezone).nextRun(new Date(after))?.getTime() ?? null
}

/**
 * Fire times in `(after, until]`, oldest first, at most `limit` of them: the ticks a scheduler
 * missed between its last claim and now.
 */
export function fireTimesBetween(
  expression: string,
  timezone: string,
  after: number,
  until: number,
  limit: number,
): number[] {
  const cron = compile(expression, timezone)
  const times: number[] = []
  let cursor = after
  while (times.length < limit) {
    const next = cron.nextRun(new Date(cursor))?.getTime()
    if (next === undefined || next > until) break
    times.push(next)
    cursor = next
  }
  return times
}
