import { describe, expect, it } from 'vitest'
import { readSse } from '../../test/support/read-sse.ts'
import { sseResponse } from './sse.ts'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

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

  it('sends keepalive comments while the run is quiet', async () => {
    const response = sseResponse({
      keepaliveMs: 20,
      run: async (sink) => {
        await sleep(90)
        sink.send('done', {})
      },
    })
    const { comments } = await readSse(response)
    expect(comments.filter((comment) => comment === 'keepalive').length).toBeGreaterThanOrEqual(2)
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
