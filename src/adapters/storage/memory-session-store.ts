import { GatewayError } from '../../core/errors.ts'
import type { ChatMessage } from '../../core/execution-types.ts'
import {
  type SessionRecord,
  type SessionStore,
  type SessionSummary,
  trimHistory,
} from '../../core/ports/session-store.ts'

export interface MemorySessionStoreOptions {
  /** Sessions idle longer than this are forgotten. @default 30 minutes */
  ttlMs?: number
  /** Least recently used sessions beyond this are evicted. @default 1000 */
  maxSessions?: number
  now?: () => number
}

interface Entry extends SessionSummary {
  messages: ChatMessage[]
}

/**
 * Sessions in this process only (used when persistence is disabled): LRU with a sliding TTL,
 * turn locks as promise chains. A second process does not see them.
 */
export function createMemorySessionStore(options: MemorySessionStoreOptions = {}): SessionStore {
  const ttlMs = options.ttlMs ?? 30 * 60_000
  const maxSessions = options.maxSessions ?? 1000
  const now = options.now ?? Date.now
  const sessions = new Map<string, Entry>()
  const locks = new Map<string, Promise<void>>()

  const live = (id: string): Entry | undefined => {
    const entry = sessions.get(id)
    if (!entry) return undefined
    if (now() - entry.updatedAt > ttlMs) {
      sessions.delete(id)
      return undefined
    }
    return entry
  }
  const summary = ({ messages: _messages, ...rest }: Entry): SessionSummary => ({ ...rest })

  return {
    async get(id) {
      const entry = live(id)
      if (!entry) return undefined
      // Map order is recency order: re-insert to mark as recently used.
      sessions.delete(id)
      sessions.set(id, entry)
      return structuredClone({ ...entry, messages: trimHistory(entry.messages) }) as SessionRecord
    },
    async appendTurn(id, turn) {
      const existing = live(id)
      const entry: Entry = existing ?? {
        id,
        agentId: turn.agentId,
        ownerId: turn.ownerId,
        messages: [],
        messageCount: 0,
        turnCount: 0,
        title: null,
        createdAt: turn.at,
        updatedAt: turn.at,
      }
      entry.messages = trimHistory([...entry.messages, ...structuredClone(turn.messages)])
      const firstUser = turn.messages.find((message) => message.role === 'user')
      entry.title ??= firstUser?.role === 'user' ? firstUser.content.slice(0, 120) : null
      entry.messageCount += turn.messages.length
      entry.turnCount += 1
      entry.updatedAt = turn.at
      sessions.delete(id)
      sessions.set(id, entry)
      while (sessions.size > maxSessions) sessions.delete(sessions.keys().next().value as string)
    },
    async delete(id) {
      return sessions.delete(id)
    },
    async list(filter) {
      return [...sessions.keys()]
        .map(live)
        .filter((entry): entry is Entry => entry !== undefined)
        .filter((entry) => filter.agentId === undefined || entry.agentId === filter.agentId)
        .filter((entry) => filter.ownerId === undefined || entry.ownerId === filter.ownerId)
        .filter((entry) => filter.before === undefined || entry.updatedAt < filter.before)
        .sort((a, b) => b.updatedAt - a.updatedAt)
        .slice(0, filter.limit)
        .map(summary)
    },
    async pruneIdle(updatedBefore, limit) {
      let deleted = 0
      for (const [id, entry] of sessions) {
        if (deleted >= limit) break
        if (entry.updatedAt >= updatedBefore) continue
        sessions.delete(id)
        deleted++
      }
      return deleted
    },
    async withLock(id, waitMs, work) {
      const previous = locks.get(id) ?? Promise.resolve()
      let release = () => {}
      const current = new Promise<void>((resolve) => {
        release = resolve
      })
      const chained = previous.then(() => current)
      locks.set(id, chained)
      let timer: ReturnType<typeof setTimeout> | undefined
      const acquired = await Promise.race([
        previous.then(() => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), waitMs)
        }),
      ])
      clearTimeout(timer)
      if (!acquired) {
        // Give up our place: the next waiter follows whoever holds the lock now.
        previous.then(release, release)
        throw new GatewayError('session_busy')
      }
      try {
        return await work()
      } finally {
        release()
        if (locks.get(id) === chained) locks.delete(id)
      }
    },
  }
}
