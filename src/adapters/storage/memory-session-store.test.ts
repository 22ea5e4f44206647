import { describe, expect, it } from 'vitest'
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

  it('serializes work on one session and times out a waiter with session_busy', async () => {
    const store = createMemorySessionStore()
    const order: string[] = []
    const first = store.withLock('s', 1000, async () => {
      order.push('first:start')
      await new Promise((resolve) => setTimeout(resolve, 50))
      order.push('first:end')
    })
    const second = store.withLock('s', 1000, async () => {
      order.push('second')
    })
    await Promise.all([first, second])
    expect(order).toEqual(['first:start', 'first:end', 'second'])
    const holder = store.withLock('s', 1000, () => new Promise((resolve) => setTimeout(resolve, 200)))
    await expect(store.withLock('s', 20, async () => 'never')).rejects.toMatchObject({ code: 'session_busy' })
    await holder
    await expect(store.withLock('s', 20, async () => 'free again')).resolves.toBe('free again')
  })
})
