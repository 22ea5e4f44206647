import { describe, expect, it, vi } from 'vitest'
import type { ChatMessage } from '../../core/execution-types.ts'
import { trimHistory } from '../../core/ports/session-store.ts'
import { createMemorySessionStore } from './memory-session-store.ts'

describe('trimHistory', () => {
  it('never starts the kept history with a tool result separated from its call', () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: 'u1' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 't', arguments: {} }] },
      { role: 'tool', results: [{ callId: 'c1', name: 't', content: '1', isError: false }] },
      { role: 'assistant', content: 'a1' },
      { role: 'user', content: 'u2' },
      { role: 'assistant', content: 'a2' },
    ]
    expect(trimHistory(messages, 4)).toEqual(messages.slice(4))
    expect(trimHistory(messages, 6)).toEqual(messages)
  })
})

/** A promise the test settles by hand, to order steps by events instead of by time. */
function gate(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {}
  const promise = new Promise<void>((settle) => {
    resolve = settle
  })
  return { promise, resolve }
}

describe('memory session store', () => {
  const turn = (at: number) => ({
    agentId: 'a',
    ownerId: null,
    messages: [{ role: 'user' as const, content: 'hi' }],
    at,
  })

  it('forgets idle sessions after the TTL and evicts the least recently used', async () => {
    let now = 1000
    const store = createMemorySessionStore({ ttlMs: 100, maxSessions: 2, now: () => now })
    await store.appendTurn('a', turn(now))
    await store.appendTurn('b', turn(now))
    await store.get('a')
    await store.appendTurn('c', turn(now))
    expect(await store.get('b')).toBeUndefined()
    expect(await store.get('a')).toBeDefined()
    now += 500
    expect(await store.get('a')).toBeUndefined()
  })

  it('serializes work on one session: a second turn starts only after the first ends', async () => {
    const store = createMemorySessionStore()
    const order: string[] = []
    const firstStarted = gate()
    const firstMayEnd = gate()
    const first = store.withLock('s', 1000, async () => {
      order.push('first:start')
      firstStarted.resolve()
      await firstMayEnd.promise
      order.push('first:end')
    })
    const second = store.withLock('s', 1000, async () => {
      order.push('second')
    })
    await firstStarted.promise
    // Let every pending continuation run: the second turn must still be waiting.
    await new Promise((resolve) => setImmediate(resolve))
    expect(order).toEqual(['first:start'])
    firstMayEnd.resolve()
    await Promise.all([first, second])
    expect(order).toEqual(['first:start', 'first:end', 'second'])
  })

  it('times out a waiter with session_busy after its wait, and frees the lock for later turns', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      const store = createMemorySessionStore()
      const holderMayEnd = gate()
      const holder = store.withLock('s', 1000, () => holderMayEnd.promise)
      let settled = false
      const waiter = store
        .withLock('s', 20, async () => 'never')
        .finally(() => {
          settled = true
        })
      const refused = expect(waiter).rejects.toMatchObject({ code: 'session_busy' })
      await vi.advanceTimersByTimeAsync(19)
      expect(settled).toBe(false)
      await vi.advanceTimersByTimeAsync(1)
      await refused
      holderMayEnd.resolve()
      await holder
      await expect(store.withLock('s', 20, async () => 'free again')).resolves.toBe('free again')
    } finally {
      vi.useRealTimers()
    }
  })
})
