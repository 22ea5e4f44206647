import { createHash } from 'node:crypto'
import type { Client, Notification } from 'pg'
import { ConfigError } from '../../core/errors.ts'
import { createSilentLogger, type Logger } from '../../core/logger.ts'
import type { EventBus } from '../../core/ports/event-bus.ts'
import { errorMessage } from '../error-message.ts'
import { hostOfUrl } from '../host-of-url.ts'
import { importOptional } from '../import-optional.ts'
import { createThrottledLog } from '../throttled-log.ts'
import { parseBusMessage } from './parse-bus-message.ts'
import { createSubscriptionRegistry } from './subscription-registry.ts'

export interface PostgresEventBusOptions {
  /** A Postgres connection URL (`persistence.url`). */
  url: string
  /**
   * Starts every Postgres channel name, so gateways sharing a database stay apart: lowercase
   * letters, digits and `_`, at most 22 characters.
   * @default 'agw'
   */
  channelPrefix?: string
  logger?: Logger
  /** The longest wait between two reconnect attempts after the connection dropped. @default 30000 */
  maxReconnectDelayMs?: number
}

/**
 * Postgres refuses NOTIFY payloads of 8000 bytes or more (default build). The limit applies to
 * the serialized envelope: the channel name plus the JSON message.
 */
export const postgresNotifyLimitBytes = 7999

/** NOTIFYs sent in one statement at most. */
const maxNotifyBatch = 100

/**
 * An {@link EventBus} on Postgres `LISTEN`/`NOTIFY`, for several gateway instances without Redis.
 * One dedicated connection listens and publishes.
 *
 * - Channel names are arbitrary strings; each maps to the identifier
 *   `<channelPrefix>_<first 40 hex digits of its SHA-256>`, so case, length and punctuation
 *   cannot break or merge channels. The original name travels in the payload.
 * - **Size limit:** a message whose envelope exceeds {@link postgresNotifyLimitBytes} bytes is
 *   rejected by `publish` with a `RangeError` — publish ids and re-read the data from storage.
 * - Delivery is at most once: NOTIFYs sent while the listener is disconnected are lost. Messages
 *   from one publisher arrive in publish order. `subscribe` resolves once `LISTEN` ran.
 * - A lost connection is re-opened with capped exponential backoff and every channel listened
 *   again; meanwhile `publish` rejects, and `subscribe` registers the handler for the reconnect.
 *
 * Needs the optional peer dependency `pg`.
 *
 * @example
 * const bus = await createPostgresEventBus({ url: 'postgres://postgres@127.0.0.1:5432/agentgw' })
 */
export async function createPostgresEventBus(options: PostgresEventBusOptions): Promise<EventBus> {
  const prefix = options.channelPrefix ?? 'agw'
  if (!/^[a-z_][a-z0-9_]{0,21}$/.test(prefix)) {
    throw new ConfigError({
      keyPath: 'channelPrefix',
      message: `must be lowercase letters, digits and _ (at most 22), got "${prefix}"`,
    })
  }
  const pg = await importOptional(() => import('pg'), 'pg', 'persistence.url')
  const logger = (options.logger ?? createSilentLogger()).child({ bus: 'postgres' })
  const log = createThrottledLog(logger)
  const maxReconnectDelayMs = options.maxReconnectDelayMs ?? 30_000
  const identifier = (channel: string) =>
    `${prefix}_${createHash('sha256').update(channel).digest('hex').slice(0, 40)}`
  // Safe to quote by wrapping: the identifier is only [a-z0-9_]. Quoted so Postgres never folds it.
  const listenSql = (channel: string) => `LISTEN "${identifier(channel)}"`

  let client: Client | undefined
  let closed = false
  let failures = 0
  let reconnectTimer: NodeJS.Timeout | undefined

  const registry = createSubscriptionRegistry({
    listen: async (channel) => {
      // While reconnecting the channel is listened on as soon as the new connection is up.
      await client?.query(listenSql(channel))
    },
    unlisten: async (channel) => {
      await client?.query(`UNLISTEN "${identifier(channel)}"`).catch(() => {})
    },
    logger,
  })

  function onNotification(notification: Notification): void {
    const envelope = parseBusMessage(notification.payload ?? '')
    const message = envelope?.message
    if (typeof envelope?.channel !== 'string' || typeof message !== 'object' || message === null) {
      log('warn', 'malformed', { channel: notification.channel }, 'dropped a malformed event bus message')
      return
    }
    registry.dispatch(envelope.channel, message as Record<string, unknown>)
  }

  async function open(): Promise<Client> {
    const next = new pg.Client({ connectionString: options.url })
    next.on('notification', onNotification)
    next.on('error', (error: Error) => {
      log('warn', 'connection', { error: error.message }, 'Postgres event bus connection error')
      lost(next)
    })
    next.on('end', () => lost(next))
    try {
      await next.connect()
      client = next
      for (const channel of registry.keys()) await next.query(listenSql(channel))
      return next
    } catch (error) {
      if (client === next) client = undefined
      await next.end().catch(() => {})
      throw error
    }
  }

  function lost(which: Client): void {
    if (client !== which || closed) return
    client = undefined
    which.end().catch(() => {})
    log('error', 'disconnect', {}, 'Postgres event bus connection lost; reconnecting')
    scheduleReconnect()
  }

  function scheduleReconnect(): void {
    if (closed || reconnectTimer) return
    const delay = Math.min(maxReconnectDelayMs, 100 * 2 ** failures)
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined
      open().then(
        () => {
          failures = 0
          logger.info('Postgres event bus connection re-established')
        },
        (error: unknown) => {
          failures++
          log('warn', 'reconnect', { error: errorMessage(error) }, 'Postgres event bus reconnect failed')
          scheduleReconnect()
        },
      )
    }, delay)
  }

  /** Publishes not sent yet, in publish order. */
  const waiting: { target: string; payload: string; settle: (error?: unknown) => void }[] = []
  let sending = false

  /** The next publishes to send together: up to 100, ending before a repeated one. */
  function nextBatch(): typeof waiting {
    const seen = new Set<string>()
    let size = 0
    while (size < waiting.length && size < maxNotifyBatch) {
      const entry = waiting[size] as (typeof waiting)[number]
      // Postgres delivers a repeated channel + payload only once per transaction.
      const key = `${entry.target}\n${entry.payload}`
      if (seen.has(key)) break
      seen.add(key)
      size++
    }
    return waiting.splice(0, size)
  }

  /**
   * Sends the waiting publishes, those that queued up during a round trip together in one
   * statement. Sent one query each, NOTIFYs queued on the connection faster than they left
   * under load (npm run bench, Postgres leak check: the heap grew from 31 to 290 MiB over 90k
   * invokes).
   */
  async function sendWaiting(): Promise<void> {
    if (sending) return
    sending = true
    try {
      while (waiting.length > 0) {
        const batch = nextBatch()
        const current = client
        if (!current) {
          for (const entry of batch)
            entry.settle(new Error('the Postgres event bus connection is down; reconnecting'))
          continue
        }
        const calls = batch.map((_, index) => `pg_notify($${2 * index + 1}, $${2 * index + 2})`)
        try {
          await current.query(
            `SELECT ${calls.join(', ')}`,
            batch.flatMap((entry) => [entry.target, entry.payload]),
          )
          for (const entry of batch) entry.settle()
        } catch (error) {
          for (const entry of batch) entry.settle(error)
        }
      }
    } finally {
      sending = false
    }
  }

  try {
    await open()
  } catch (error) {
    throw new Error(`cannot connect to Postgres at ${hostOfUrl(options.url)}: ${errorMessage(error)}`, {
      cause: error,
    })
  }

  return {
    async publish(channel, message) {
      const payload = JSON.stringify({ channel, message })
      const bytes = Buffer.byteLength(payload)
      if (bytes > postgresNotifyLimitBytes) {
        throw new RangeError(
          `event bus message on "${channel}" is ${bytes} bytes; Postgres NOTIFY allows at most ` +
            `${postgresNotifyLimitBytes}. Publish an id and keep the data in storage.`,
        )
      }
      if (!client) throw new Error('the Postgres event bus connection is down; reconnecting')
      await new Promise<void>((resolve, reject) => {
        waiting.push({
          target: identifier(channel),
          payload,
          settle: (error) => (error === undefined ? resolve() : reject(error)),
        })
        void sendWaiting()
      })
    },
    subscribe: (channel, handler) => registry.add(channel, handler),
    async close() {
      closed = true
      clearTimeout(reconnectTimer)
      registry.clear()
      await client?.end().catch(() => {})
      client = undefined
    },
  }
}
