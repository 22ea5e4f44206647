import { describe, expect, it } from 'vitest'
import { describeCron } from './describe-cron.ts'

describe('describeCron', () => {
  it.each([
    ['* * * * *', 'every minute'],
    ['*/5 * * * *', 'every 5 minutes'],
    ['0 * * * *', 'every hour'],
    ['15 * * * *', 'every hour at minute 15'],
    ['0 */6 * * *', 'every 6 hours at minute 0'],
    ['0 9 * * *', 'every day at 09:00'],
    ['30 17 * * 1-5', 'on weekdays at 17:30'],
    ['0 8 * * mon', 'every Monday at 08:00'],
    ['0 8 * * 0', 'every Sunday at 08:00'],
    ['0 8 * * 7', 'every Sunday at 08:00'],
    ['0 8 * * 1,3,5', 'on Monday, Wednesday, Friday at 08:00'],
    ['0 8 * * 6-0', 'Saturday to Sunday at 08:00'],
    ['0 0 1 * *', 'on day 1 of every month at 00:00'],
    ['@daily', 'every day at 00:00'],
    ['@HOURLY', 'every hour'],
  ])('%s → %s', (expression, words) => {
    expect(describeCron(expression)).toBe(words)
  })

  it.each([
    '0 0 1 1 *', // a month field
    '*/10 9-17 * * 1-5', // ranges of hours
    '0 0 12 * * *', // 6 fields (seconds)
    '0 25 * * *', // out of range
    '0 8 * * funday',
    '0 8 1 * 1', // day of month and day of week together
    'not a cron',
  ])('falls back to the expression for %s', (expression) => {
    expect(describeCron(expression)).toBe(expression)
  })
})
