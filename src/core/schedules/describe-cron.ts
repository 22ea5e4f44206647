/**
 * Cron expressions in words for the dashboard: common 5-field patterns (and the `@daily`-style
 * aliases) become a short English phrase; anything else comes back as the expression itself.
 * Pure: no clock, no time zone (the schedule's zone is shown next to it).
 */

const aliases: Record<string, string> = {
  '@yearly': 'every year on January 1 at 00:00',
  '@annually': 'every year on January 1 at 00:00',
  '@monthly': 'on day 1 of every month at 00:00',
  '@weekly': 'every Sunday at 00:00',
  '@daily': 'every day at 00:00',
  '@midnight': 'every day at 00:00',
  '@hourly': 'every hour',
}

const dayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']
const dayAbbreviations = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']

const isNumber = (field: string) => /^\d{1,2}$/.test(field)
const pad = (value: string) => value.padStart(2, '0')

/** A step like `*\/5`, or undefined. */
function stepOf(field: string): number | undefined {
  const match = /^\*\/(\d{1,2})$/.exec(field)
  return match ? Number(match[1]) : undefined
}

function dayOfWeek(field: string): string | undefined {
  const one = (part: string): number | undefined => {
    const lower = part.toLowerCase()
    const named = dayAbbreviations.indexOf(lower)
    if (named >= 0) return named
    if (!isNumber(part)) return undefined
    const number = Number(part)
    return number <= 7 ? number % 7 : undefined
  }
  const range = /^([a-z0-9]+)-([a-z0-9]+)$/i.exec(field)
  if (range) {
    const from = one(range[1] as string)
    const to = one(range[2] as string)
    if (from === 1 && to === 5) return 'on weekdays'
    if (from === undefined || to === undefined) return undefined
    return `${dayNames[from]} to ${dayNames[to]}`
  }
  const days = field.split(',').map(one)
  if (days.some((day) => day === undefined)) return undefined
  const names = days.map((day) => `${dayNames[day as number]}`)
  return names.length === 1 ? `every ${names[0]}` : `on ${names.join(', ')}`
}

/** `*\/15 * * * *` → `every 15 minutes`; unknown shapes → the expression unchanged. */
export function describeCron(expression: string): string {
  const trimmed = expression.trim()
  const alias = aliases[trimmed.toLowerCase()]
  if (alias) return alias
  const fields = trimmed.split(/\s+/)
  if (fields.length !== 5) return trimmed
  const [minute, hour, dom, month, dow] = fields as [string, string, string, string, string]
  if (month !== '*') return trimmed

  const everyDay = dom === '*' && dow === '*'
  if (everyDay && minute === '*' && hour === '*') return 'every minute'
  const minuteStep = stepOf(minute)
  if (everyDay && minuteStep !== undefined && hour === '*')
    return minuteStep === 1 ? 'every minute' : `every ${minuteStep} minutes`
  if (everyDay && isNumber(minute) && hour === '*')
    return minute === '0' ? 'every hour' : `every hour at minute ${Number(minute)}`
  const hourStep = stepOf(hour)
  if (everyDay && isNumber(minute) && hourStep !== undefined)
    return `every ${hourStep} hours at minute ${Number(minute)}`

  if (!isNumber(minute) || !isNumber(hour) || Number(minute) > 59 || Number(hour) > 23) return trimmed
  const at = `at ${pad(hour)}:${pad(minute)}`
  if (everyDay) return `every day ${at}`
  if (dom === '*') {
    const days = dayOfWeek(dow)
    return days ? `${days} ${at}` : trimmed
  }
  if (dow === '*' && isNumber(dom) && Number(dom) >= 1 && Number(dom) <= 31)
    return `on day ${Number(dom)} of every month ${at}`
  return trimmed
}
