import type { Logger } from '../../core/logger.ts'
import { errorMessage } from '../error-message.ts'

export type EventHandler = (message: Record<string, unknown>) => void

/**
 * The bookkeeping every event bus backend shares: handlers per backend channel, one
 * `listen`/`unlisten` per channel however many handlers it has, and dispatch that isolates a
 * throwing handler from the others.
 */
export interface SubscriptionRegistry {
  /**
   * Adds a handler. Resolves once the backend listens on `key`, so a message published after
   * that is delivered. The returned function removes the handler (idempotent).
   */
  add(key: string, handler: EventHandler): Promise<() => Promise<void>>
  /** Calls every handler of `key` with the message. */
  dispatch(key: string, message: Record<string, unknown>): void
  /** The keys listened on, e.g. to listen again after a reconnect. */
  keys(): string[]
  /** Forgets every handler, without unlistening (the connection is about to close). */
  clear(): void
}

export interface SubscriptionRegistryOptions {
  listen(key: string): Promise<void>
  unlisten(key: string): Promise<void>
  logger: Logger
}

interface Entry {
  handlers: Set<EventHandler>
  /** Settles when the backend confirmed the listen; later subscribers wait on it too. */
  listening: Promise<void>
}

export function createSubscriptionRegistry(options: SubscriptionRegistryOptions): SubscriptionRegistry {
  const entries = new Map<string, Entry>()

  return {
    async add(key, handler) {
      let entry = entries.get(key)
      if (!entry) {
        const created: Entry = { handlers: new Set(), listening: options.listen(key) }
        entry = created
        entries.set(key, created)
        created.listening.catch(() => {
          if (entries.get(key) === created) entries.delete(key)
        })
      }
      // A wrapper per call, so subscribing the same function twice gives two independent subscriptions.
      const own: EventHandler = (message) => handler(message)
      entry.handlers.add(own)
      try {
        await entry.listening
      } catch (error) {
        entry.handlers.delete(own)
        throw error
      }
      let active = true
      return async () => {
        if (!active) return
        active = false
        const current = entries.get(key)
        if (!current?.handlers.delete(own) || current.handlers.size > 0) return
        entries.delete(key)
        await options.unlisten(key)
      }
    },
    dispatch(key, message) {
      const entry = entries.get(key)
      if (!entry) return
      const handlers = [...entry.handlers]
      for (const handler of handlers) {
        try {
          // Each handler gets its own copy when there are several, so one cannot change what another sees.
          handler(handlers.length > 1 ? structuredClone(message) : message)
        } catch (error) {
          options.logger.error({ error: errorMessage(error) }, 'an event bus subscriber threw')
        }
      }
    },
    keys: () => [...entries.keys()],
    clear: () => entries.clear(),
  }
}
