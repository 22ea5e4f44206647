import { getEventListeners } from 'node:events'
import { describe, expect, it } from 'vitest'
import { untilAborted } from './until-aborted.ts'

describe('untilAborted', () => {
  it('settles like the work when the signal stays quiet, and leaves no listener behind', async () => {
    const controller = new AbortController()
    await expect(untilAborted(Promise.resolve('done'), controller.signal)).resolves.toBe('done')
    await expect(untilAborted(Promise.reject(new Error('broke')), controller.signal)).rejects.toThrow('broke')
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  })

  it('rejects with the reason as soon as the signal aborts, without waiting for the work', async () => {
    const controller = new AbortController()
    const never = new Promise<never>(() => {})
    const waiting = untilAborted(never, controller.signal)
    const reason = new Error('cancelled')
    controller.abort(reason)
    await expect(waiting).rejects.toBe(reason)
  })

  it('rejects at once for a signal that has already aborted', async () => {
    const reason = new Error('too late')
    await expect(untilAborted(Promise.resolve(1), AbortSignal.abort(reason))).rejects.toBe(reason)
  })
})
