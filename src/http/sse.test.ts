import { describe, expect, it, vi } from 'vitest'
import { readSse } from '../../test/support/read-sse.ts'
import { sseResponse } from './sse.ts'

describe('sseResponse', () => {
  it('sends numbered frames with the streaming headers and no Connection header', async () => {
    const response = sseResponse({
      keepaliveMs: 1000,
      run: async (sink) => {
        sink.send('token', { content: 'a' })
        sink.send('done', { status: 'completed' })
      },
    })
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    expect(response.headers.get('cache-control')).toBe('no-cache, no-transform')
    expect(response.headers.get('x-accel-buffering')).toBe('no')
    expect(response.headers.get('connection')).toBeNull()
    const { events } = await readSse(response)
    expect(events).toEqual([
      { id: '1', event: 'token', data: { content: 'a' } },
      { id: '2', event: 'done', data: { status: 'completed' } },
    ])
  })

  it('sends a keepalive comment every interval while the run is quiet, and none after it ends', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    try {
      let endRun = () => {}
      const quiet = new Promise<void>((resolve) => {
        endRun = resolve
      })
      const response = sseResponse({
        keepaliveMs: 20,
        run: async (sink) => {
          await quiet
          sink.send('done', {})
        },
      })
      const reading = readSse(response)
      vi.advanceTimersByTime(90)
      endRun()
      const { comments, events } = await reading
      vi.advanceTimersByTime(100)
      expect(comments).toEqual(['keepalive', 'keepalive', 'keepalive', 'keepalive'])
      expect(events).toEqual([{ id: '1', event: 'done', data: {} }])
      expect(vi.getTimerCount()).toBe(0)
    } finally {
      vi.useRealTimers()
    }
  })

  it('continues ids after startId', async () => {
    const response = sseResponse({ keepaliveMs: 1000, startId: 41, run: async (sink) => sink.send('x', 1) })
    expect((await readSse(response)).events[0]?.id).toBe('42')
  })

  it('aborts the sink signal when the client goes away', async () => {
    let aborted: Promise<void> | undefined
    const response = sseResponse({
      keepaliveMs: 1000,
      run: async (sink) => {
        aborted = new Promise((resolve) => sink.signal.addEventListener('abort', () => resolve()))
        sink.send('token', { content: 'first' })
        await aborted
        sink.send('token', { content: 'ignored' })
      },
    })
    const { events } = await readSse(response, () => false)
    expect(events).toHaveLength(1)
    await expect(aborted).resolves.toBeUndefined()
  })
})
