import { describe, expect, it } from 'vitest'
import { checkCron, fireTimesBetween, nextFireTime } from './cron.ts'

const iso = (time: number | null) => (time === null ? null : new Date(time).toISOString())

describe('cron expressions', () => {
  it('accepts 5 and 6 fields and the @ aliases, and says what is wrong otherwise', () => {
    expect(checkCron('*/5 * * * *')).toBeUndefined()
    expect(checkCron('*/10 * * * * *')).toBeUndefined()
    expect(checkCron('@daily', 'Europe/Lisbon')).toBeUndefined()
    expect(checkCron('61 * * * *')).toMatch(/not a valid cron expression.*minute/)
    expect(checkCron('* * *')).toMatch(/has 3 fields/)
    expect(checkCron('* * * * *', 'Mars/Base')).toMatch(/not a known IANA time zone/)
  })

  it('follows the time zone through DST: a skipped local time runs when the clock resumes, a repeated one runs once', () => {
    // Lisbon springs forward at 01:00 on 2026-03-29 (01:30 does not exist) and falls back at
    // 02:00 on 2026-10-25 (01:30 happens twice). The skipped 01:30 runs at 02:30 summer time.
    const spring = fireTimesBetween(
      '30 1 * * *',
      'Europe/Lisbon',
      Date.parse('2026-03-27T12:00:00Z'),
      Date.parse('2026-03-31T00:00:00Z'),
      10,
    )
    expect(spring.map(iso)).toEqual([
      '2026-03-28T01:30:00.000Z',
      '2026-03-29T01:30:00.000Z',
      '2026-03-30T00:30:00.000Z',
    ])
    const autumn = fireTimesBetween(
      '30 1 * * *',
      'Europe/Lisbon',
      Date.parse('2026-10-24T12:00:00Z'),
      Date.parse('2026-10-26T12:00:00Z'),
      10,
    )
    expect(autumn).toHaveLength(2)
  })

  it('gives the next tick strictly after a time, in the schedule time zone', () => {
    expect(iso(nextFireTime('0 9 * * *', 'America/New_York', Date.parse('2026-06-01T12:00:00Z')))).toBe(
      '2026-06-01T13:00:00.000Z',
    )
    expect(iso(nextFireTime('* * * * * *', 'UTC', 1000))).toBe('1970-01-01T00:00:02.000Z')
  })
})
