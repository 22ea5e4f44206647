/** The date line that opens every system prompt, in a time zone. */
export type PromptClock = (timezone: string) => string

/**
 * One per gateway. Building an `Intl.DateTimeFormat` costs far more than formatting with one —
 * per run it was the largest single cost of an invoke — and the text changes once a second, so
 * formatters and their last line are kept per time zone.
 */
export function createPromptClock(now: () => Date = () => new Date()): PromptClock {
  const clocks = new Map<string, { formatter: Intl.DateTimeFormat; second: number; line: string }>()
  return (timezone) => {
    let clock = clocks.get(timezone)
    if (!clock) {
      const formatter = new Intl.DateTimeFormat('en-GB', {
        timeZone: timezone,
        dateStyle: 'full',
        timeStyle: 'long',
      })
      clock = { formatter, second: Number.NaN, line: '' }
      clocks.set(timezone, clock)
    }
    const date = now()
    const second = Math.floor(date.getTime() / 1000)
    if (second !== clock.second) {
      clock.line = `Current date and time (${timezone}): ${clock.formatter.format(date)}`
      clock.second = second
    }
    return clock.line
  }
}
