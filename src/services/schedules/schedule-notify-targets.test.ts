import { describe, expect, it } from 'vitest'
import type { ExecutionRecord } from '../../core/ports/execution-store.ts'
import { scheduleNotifyTargets } from './schedule-notify-targets.ts'

const run = (options: ExecutionRecord['options']) => ({ options }) as ExecutionRecord

describe("a schedule's notify", () => {
  it('adds its target to every outcome it does not turn off', async () => {
    const targets = await scheduleNotifyTargets(
      run({ scheduleId: 'a:b', notify: { channel: 'webhook', target: 'ops', on_complete: false } }),
    )
    expect(targets).toEqual({
      onComplete: [],
      onError: [{ channel: 'webhook', target: 'ops' }],
      onTimeout: [{ channel: 'webhook', target: 'ops' }],
    })
  })

  it('adds nothing to runs no schedule started, or for an unknown channel', async () => {
    const none = { onComplete: [], onError: [], onTimeout: [] }
    expect(await scheduleNotifyTargets(run({ notify: { channel: 'webhook', target: 'ops' } }))).toEqual(none)
    expect(await scheduleNotifyTargets(run({ scheduleId: 'a:b', notify: { channel: 'pager' } }))).toEqual(
      none,
    )
  })
})
