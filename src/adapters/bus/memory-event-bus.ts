import { createSilentLogger, type Logger } from '../../core/logger.ts'
import type { EventBus } from '../../core/ports/event-bus.ts'
import { createSubscriptionRegistry } from './subscription-registry.ts'

/**
 * What in-process event buses share to see each other's messages — the stand-in for a Redis
 * server or a Postgres database. Create one per simulated deployment, never per module.
 */
export interface MemoryEventHub {
  /** Connects a bus; returns the function that disconnects it. */
  attach(receive: (channel: string, text: string) => void): () => void
  /** Sends a serialized message to every attached bus, on a later tick. */
  broadcast(channel: string, text: string): void
}

export function createMemoryEventHub(): MemoryEventHub {
  const receivers = new Set<(channel: string, text: string) => void>()
  return {
    attach(receive) {
      receivers.add(receive)
      return () => receivers.delete(receive)
    },
    broadcast(channel, text) {
      // Asynchronous like a network bus, so a publisher never runs subscriber code re-entrantly.
      for (const receive of receivers) queueMicrotask(() => receive(channel, text))
    },
  }
}

export interface MemoryEventBusOptions {
  /**
   * The hub to join. Buses on the same hub see each other's messages, like gateway instances
   * sharing a Redis. @default a hub of its own
   */
  hub?: MemoryEventHub
  logger?: Logger
}

/**
 * An in-process {@link EventBus} for a single gateway instance and for tests. Messages are
 * serialized to JSON and parsed again, so subscribers see exactly what a networked bus would give
 * them (no shared references, no non-JSON values). Delivery is at most once, in publish order,
 * to the subscribers present when the message arrives; nothing is kept.
 *
 * @example
 * const hub = createMemoryEventHub()
 * const a = createMemoryEventBus({ hub })
 * const b = createMemoryEventBus({ hub })
 * await b.subscribe('execution:42', (message) => console.log(message))
 * await a.publish('execution:42', { status: 'running' })
 */
export function createMemoryEventBus(options: MemoryEventBusOptions = {}): EventBus {
  const hub = options.hub ?? createMemoryEventHub()
  const registry = createSubscriptionRegistry({
    listen: async () => {},
    unlisten: async () => {},
    logger: options.logger ?? createSilentLogger(),
  })
  const detach = hub.attach((channel, text) => registry.dispatch(channel, JSON.parse(text)))
  let closed = false

  return {
    async publish(channel, message) {
      if (closed) throw new Error('the event bus is closed')
      hub.broadcast(channel, JSON.stringify(message))
    },
    subscribe: (channel, handler) => registry.add(channel, handler),
    async close() {
      closed = true
      detach()
      registry.clear()
    },
  }
}
