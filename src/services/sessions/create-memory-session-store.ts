import { GatewayError } from '../../core/errors.ts'
import type { SessionRecord, SessionStore } from './session-store.ts'

export interface MemorySessionStoreOptions {
  /** Sessions idle longer than this are forgotten. @default 30 minutes */
  ttlMs?: number
  /** Least recently used sessions beyond this are evicted. @default 1000 */
  maxSessions?: number
  now?: () => number
}

/**
 * Sessions in this process only (used when persistence is disabled): LRU with a sliding TTL,
 * turn locks as promise chains. A second process does not see them.
 */
export function createMemorySessionStore(options: MemorySessionStoreOptions = {}): SessionStore {
  const ttlMs = options.ttlMs ?? 30 * 60_000
  const maxSessions = options.maxSessions ?? 1000
  const now = options.now ?? Date.now
  const sessions = new Map<string, SessionRecord>()
  const locks = new Map<string, Promise<void>>()

  const fresh = (session: SessionRecord | undefined) =>
    session && now() - session.updatedAt <= ttlMs ? session : undefined
  const clone = (session: SessionRecord): SessionRecord => structuredClone(session)

  return {
    async get(id) {
      const session = fresh(sessions.get(id))
      if (!session) {
        sessions.delete(id)
        return undefined
      }
      // Map order is recency order: re-insert to mark as recently used.
      sessions.delete(id)
      sessions.set(id, session)
      return clone(session)
    },
    async save(session) {
      sessions.delete(session.id)
      sessions.set(session.id, clone(session))
      while (sessions.size > maxSessions) {
        const oldest = sessions.keys().next().value as string
        sessions.delete(oldest)
      }
    },
    async delete(id) {
      return sessions.delete(id)
    },
    async list(filter) {
      return [...sessions.values()]
        .filter((session) => fresh(session))
        .filter((session) => filter.agentId === undefined || session.agentId === filter.agentId)
        .filter((session) => filter.ownerId === undefined || session.ownerId === filter.ownerId)
        .sort((a, b) => b.updatedAt - a.updatedAt)
        .slice(0, filter.limit)
        .map(clone)
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
        if (locks.get(id) === chained) chained.then(() => locks.get(id) === chained && locks.delete(id))
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
