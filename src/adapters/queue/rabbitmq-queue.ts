import { randomUUID } from 'node:crypto'
import type {
  Channel,
  ChannelModel,
  ConfirmChannel,
  ConsumeMessage,
  Message,
  RecoveringChannelModel,
} from 'amqplib'
import { ConfigError } from '../../core/errors.ts'
import { createSilentLogger, type Logger } from '../../core/logger.ts'
import {
  type JobMessage,
  type JobQueue,
  type JobQueueRetryPolicy,
  maxAttempts,
  type ReceivedJob,
  retryAfterFailure,
  retryDelayMs,
} from '../../core/ports/job-queue.ts'
import { errorMessage } from '../error-message.ts'
import { hostOfUrl } from '../host-of-url.ts'
import { importOptional } from '../import-optional.ts'
import { createThrottledLog } from '../throttled-log.ts'
import { createJobRunner, type JobRunner, validateRetryPolicy } from './job-runner.ts'

export interface RabbitmqQueueOptions {
  /** The main queue's name (`queue.queue_name`); the other queues are named after it. */
  name: string
  /** `queue.rabbitmq_url`, e.g. `amqp://guest:guest@127.0.0.1:5672`. */
  url: string
  retry: JobQueueRetryPolicy
  logger?: Logger
  /** The longest wait between two reconnect attempts after the connection dropped. @default 30000 */
  maxReconnectDelayMs?: number
  /**
   * The AMQP heartbeat, unless `url` sets one: a peer silent for about twice this long is taken
   * for dead, and its unacknowledged deliveries go back to the queue. 0 turns it off. @default 10
   */
  heartbeatSeconds?: number | undefined
}

/** A RabbitMQ-backed {@link JobQueue} that can also delete the queues it declared. */
export interface RabbitmqJobQueue extends JobQueue {
  /** Closes this handle and deletes the main, retry, delay and dead-letter queues. For tests and teardown. */
  destroy(): Promise<void>
}

/** The connection-scoped state: channels die with their connection and are rebuilt after a reconnect. */
interface Link {
  model: ChannelModel
  publisher: ConfirmChannel
  /** Publish ids the broker returned as unroutable (the target queue does not exist). */
  returned: Set<string>
  consumer?: { channel: Channel; tag: string }
}

/** Our header carrying the attempt a message is on; the broker never changes it. */
const attemptHeader = 'x-attempt'
// AMQP header tables are bounded; the reason rides along for operators, so a prefix is enough.
const maxErrorHeaderLength = 1000
// A delay queue outlives its last use by this much: long enough for its messages to expire into
// the main queue first, short enough that one-off delays do not pile up queues on the broker.
const delayQueueExpiryMarginMs = 60_000

/**
 * A durable job queue on RabbitMQ (AMQP 0-9-1).
 *
 * Topology, all durable, messages persistent, publishes confirmed before `enqueue` resolves:
 * `<name>` (main), `<name>.retry.<n>` for each retry n (TTL = the backoff of retry n,
 * dead-lettering back to `<name>`), `<name>.delay.<ms>` for delayed enqueues (same trick, expires
 * when unused), and `<name>.dead` (the dead-letter store).
 *
 * - **At-least-once, manual ack.** Prefetch = consumer concurrency. A handler that fails is
 *   acknowledged and the job republished to its retry queue with the next `x-attempt` — the
 *   broker does the waiting, so there is no busy loop and no requeue storm. After the last allowed
 *   attempt the job goes to `<name>.dead`, then `onDeadLetter` runs, then the ack: a crash in
 *   between repeats the dead letter rather than losing it.
 * - **Dead consumers.** A delivery left unacknowledged (process died, connection lost) is
 *   redelivered by the broker with the `redelivered` flag. That counts as an attempt: the next
 *   consumer republishes the job with `x-attempt + 1` (or dead-letters it when that was the last
 *   allowed attempt) before running anything, so a job that kills every consumer cannot loop.
 *   Classic queues have no delivery counter, hence our own header.
 * - **No deduplication.** RabbitMQ cannot tell that an id is already queued: enqueueing the same
 *   id twice delivers it twice. Handlers are idempotent (the `JobQueue` contract) — that is what
 *   makes this safe.
 * - **Ordering** is FIFO among ready messages; retries and delayed jobs re-enter the main queue
 *   when their TTL expires.
 * - **Connection loss** is recovered: the connection is re-established with capped exponential
 *   backoff (logged), topology and consumer are re-declared, and the jobs that were running are
 *   aborted (the broker redelivers them). While disconnected `enqueue` rejects at once. A broker
 *   unreachable at start-up fails the factory.
 *
 * Needs the optional peer dependency `amqplib`.
 *
 * @example
 * const queue = await createRabbitmqQueue({
 *   name: 'agw-executions',
 *   url: 'amqp://guest:guest@127.0.0.1:5672',
 *   retry: { maxRetries: 3, backoffMs: 1000 },
 * })
 */
export async function createRabbitmqQueue(options: RabbitmqQueueOptions): Promise<RabbitmqJobQueue> {
  validateRetryPolicy(options.retry)
  const amqp = await importOptional(() => import('amqplib'), 'amqplib', 'queue.backend')
  const { name, retry } = options
  const logger = (options.logger ?? createSilentLogger()).child({ queue: name, backend: 'rabbitmq' })
  const log = createThrottledLog(logger)
  const deadQueue = `${name}.dead`
  const retryQueue = (retryNumber: number) => `${name}.retry.${retryNumber}`
  const delayQueue = (delayMs: number) => `${name}.delay.${delayMs}`
  // The delay queues this handle used, so size() can count what waits in them.
  const delaysUsed = new Set<number>()
  // Channels we close on purpose; any other channel closing means trouble.
  const closingOnPurpose = new WeakSet<Channel>()
  const deliveries = new Set<Promise<void>>()
  let link: Link | undefined
  let runner: JobRunner | undefined
  let closed = false
  let everDisconnected = false

  async function declareTopology(channel: Channel): Promise<void> {
    await assertQueue(channel, name, {})
    await assertQueue(channel, deadQueue, {})
    for (let retryNumber = 1; retryNumber <= retry.maxRetries; retryNumber++) {
      await assertQueue(channel, retryQueue(retryNumber), waitingArguments(retryDelayMs(retry, retryNumber)))
    }
  }

  function waitingArguments(ttlMs: number): Record<string, unknown> {
    // Expired messages are dead-lettered through the default exchange straight into the main queue.
    return {
      'x-message-ttl': Math.round(ttlMs),
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': name,
    }
  }

  function delayArguments(delayMs: number): Record<string, unknown> {
    return { ...waitingArguments(delayMs), 'x-expires': delayMs + delayQueueExpiryMarginMs }
  }

  function watch(model: ChannelModel, channel: Channel, role: string): void {
    channel.on('error', (error: Error) => {
      log('warn', `${role}-channel`, { error: error.message }, `RabbitMQ ${role} channel error`)
    })
    channel.on('close', () => {
      if (closed || closingOnPurpose.has(channel) || link?.model !== model) return
      // A channel the broker closed while the connection lives (e.g. a queue deleted under us):
      // rebuilding the whole connection keeps one recovery path.
      log('error', `${role}-channel-closed`, {}, `RabbitMQ ${role} channel closed unexpectedly; reconnecting`)
      model.close().catch(() => {})
    })
  }

  async function setup(model: ChannelModel): Promise<void> {
    const publisher = await model.createConfirmChannel()
    watch(model, publisher, 'publisher')
    const returned = new Set<string>()
    // The broker returns a mandatory message it could not route before it confirms it.
    publisher.on('return', (message: Message) => {
      if (typeof message.properties.correlationId === 'string') returned.add(message.properties.correlationId)
    })
    await declareTopology(publisher)
    const next: Link = { model, publisher, returned }
    link = next
    if (runner && !runner.stopping && !closed) await startConsumer(next, runner)
  }

  async function startConsumer(current: Link, active: JobRunner): Promise<void> {
    const channel = await current.model.createChannel()
    watch(current.model, channel, 'consumer')
    await channel.prefetch(active.concurrency)
    const { consumerTag } = await channel.consume(
      name,
      (message) => onMessage(current, channel, active, message),
      {
        noAck: false,
      },
    )
    current.consumer = { channel, tag: consumerTag }
  }

  function onMessage(
    current: Link,
    channel: Channel,
    active: JobRunner,
    message: ConsumeMessage | null,
  ): void {
    if (message === null) {
      // The broker cancelled the consumer (the queue was deleted): re-declare and consume again.
      if (!closed && link === current) {
        log('error', 'consumer-cancelled', {}, 'RabbitMQ cancelled the consumer; reconnecting')
        current.model.close().catch(() => {})
      }
      return
    }
    const delivery = deliver(current, channel, active, message).catch((error: unknown) => {
      if (closed) return
      log('warn', 'delivery', { error: errorMessage(error) }, 'RabbitMQ delivery handling failed')
      // Never leave a delivery unacknowledged on a live channel: it would hold a prefetch slot
      // forever. Requeued, it comes back marked redelivered and counts as an attempt.
      try {
        channel.nack(message, false, true)
      } catch {
        // The channel is gone; the broker requeues by itself.
      }
    })
    deliveries.add(delivery)
    void delivery.finally(() => deliveries.delete(delivery))
  }

  async function deliver(current: Link, channel: Channel, active: JobRunner, message: ConsumeMessage) {
    // After close() the connection is gone and the broker has taken the delivery back.
    if (closed) return
    const ack = () => channel.ack(message)
    const parsed = parseMessage(message.content)
    if (!parsed) {
      logger.error(
        { messageId: message.properties.messageId },
        'malformed message moved to the dead-letter queue',
      )
      await publishRaw(current, deadQueue, message.content, { 'x-error': 'malformed message' })
      return ack()
    }
    const attempt = readAttempt(message)
    if (message.fields.redelivered) {
      // The previous delivery of this attempt was never acknowledged: its consumer died. Count it,
      // and persist the count before running anything, so a job that kills every consumer ends
      // in the dead-letter queue instead of looping.
      if (attempt >= maxAttempts(retry)) {
        const job: ReceivedJob = { ...parsed, attempt }
        return deadLetter(current, active, job, `the consumer stopped during attempt ${attempt}`, ack)
      }
      await publish(current, name, parsed, attempt + 1)
      return ack()
    }
    if (active.stopping) return putBack(current, parsed, attempt, ack)

    const job: ReceivedJob = { ...parsed, attempt }
    const outcome = await active.run(job)
    // On another connection (or none) this delivery is void: the broker has requeued it already.
    if (closed || link !== current) return
    if (outcome.kind === 'acked') return ack()
    if (outcome.kind === 'interrupted') return putBack(current, parsed, attempt, ack)
    const delayMs = retryAfterFailure(retry, attempt)
    if (delayMs === undefined) return deadLetter(current, active, job, outcome.error, ack)
    await publish(current, retryQueue(attempt), parsed, attempt + 1)
    ack()
  }

  async function putBack(current: Link, parsed: JobMessage, attempt: number, ack: () => void) {
    // Not the job's fault (the consumer is stopping): back in line with the same attempt.
    await publish(current, name, parsed, attempt)
    ack()
  }

  async function deadLetter(
    current: Link,
    active: JobRunner,
    job: ReceivedJob,
    error: string,
    ack: () => void,
  ) {
    const reason = error.slice(0, maxErrorHeaderLength)
    await publishRaw(
      current,
      deadQueue,
      encode(job),
      { [attemptHeader]: job.attempt, 'x-error': reason },
      job.id,
    )
    await active.deadLetter(job, error)
    ack()
  }

  function publish(current: Link, queue: string, message: JobMessage, attempt: number) {
    return publishRaw(current, queue, encode(message), { [attemptHeader]: attempt }, message.id)
  }

  function connected(): Link {
    if (closed) throw new Error(`queue ${name} is closed`)
    if (!link) throw new Error(`queue ${name}: the RabbitMQ connection is down; reconnecting`)
    return link
  }

  const connection: RecoveringChannelModel = await amqp.connect(
    withHeartbeat(options.url, options.heartbeatSeconds ?? 10),
    {
      recovery: {
        // Fail at start-up when the broker is unreachable or the topology does not match; once
        // running, keep trying for as long as the process lives.
        initialMaxRetries: 0,
        maxRetries: Number.POSITIVE_INFINITY,
        maxDelay: options.maxReconnectDelayMs ?? 30_000,
        waitForConnect: false,
        setup,
      },
    },
  )
  connection.on('disconnect', (error: Error) => {
    everDisconnected = true
    link = undefined
    runner?.interrupt(`queue ${name}: the RabbitMQ connection was lost`)
    if (!closed)
      log('error', 'disconnect', { error: error.message }, 'RabbitMQ connection lost; reconnecting')
  })
  connection.on('connect', () => {
    if (everDisconnected) logger.info('RabbitMQ connection re-established')
  })
  connection.on('connect-failed', (error: Error) => {
    log('warn', 'connect-failed', { error: error.message }, 'RabbitMQ reconnect attempt failed')
  })
  connection.on('reconnect-failed', (error: Error) => {
    logger.error({ error: error.message }, 'RabbitMQ connection could not be re-established; giving up')
  })
  connection.on('error', (error: Error) => {
    log('warn', 'connection', { error: error.message }, 'RabbitMQ connection error')
  })
  connection.on('blocked', (reason: string) =>
    logger.warn({ reason }, 'RabbitMQ blocked publishing (flow control)'),
  )
  connection.on('unblocked', () => logger.info('RabbitMQ unblocked publishing'))
  try {
    await connection.waitForConnect()
  } catch (error) {
    if (ConfigError.isInstance(error)) throw error
    throw new Error(`cannot connect to RabbitMQ at ${hostOfUrl(options.url)}: ${errorMessage(error)}`, {
      cause: error,
    })
  }

  async function close(): Promise<void> {
    if (closed) return
    closed = true
    runner?.halt()
    // Unacknowledged deliveries go back to the queue when the connection closes.
    await connection.close().catch(() => {})
  }

  return {
    name,
    async enqueue(message, enqueueOptions) {
      const current = connected()
      const delayMs = Math.round(enqueueOptions?.delayMs ?? 0)
      if (delayMs <= 0) return publish(current, name, message, 1)
      // Declared on every use: it is cheap, and it restarts the queue's expiry clock.
      await assertQueue(current.publisher, delayQueue(delayMs), delayArguments(delayMs))
      delaysUsed.add(delayMs)
      await publish(current, delayQueue(delayMs), message, 1)
    },
    async consume(consumer) {
      if (closed) throw new Error(`queue ${name} is closed`)
      if (runner) throw new Error(`queue ${name} already has a consumer`)
      const active = createJobRunner({ queueName: name, consumer, logger })
      runner = active
      // While disconnected, the consumer starts with the next connection (see setup).
      if (link) await startConsumer(link, active)
    },
    async stop(drainMs) {
      if (!runner) return
      const draining = runner.stop(drainMs)
      const consumer = link?.consumer
      if (consumer) await consumer.channel.cancel(consumer.tag).catch(() => {})
      if (await draining) {
        await Promise.allSettled([...deliveries])
      } else if (consumer) {
        // Handlers that ignored the abort: closing the channel hands their jobs back to the broker.
        closingOnPurpose.add(consumer.channel)
        await consumer.channel.close().catch(() => {})
      }
    },
    async size() {
      const current = connected()
      // assertQueue (not checkQueue) also answers for a delay queue that already expired — a
      // failed check would close the channel.
      const counts = await Promise.all([
        assertQueue(current.publisher, name, {}),
        ...Array.from({ length: retry.maxRetries }, (_, index) =>
          assertQueue(
            current.publisher,
            retryQueue(index + 1),
            waitingArguments(retryDelayMs(retry, index + 1)),
          ),
        ),
        ...[...delaysUsed].map((delayMs) =>
          assertQueue(current.publisher, delayQueue(delayMs), delayArguments(delayMs)),
        ),
      ])
      // Ready messages only: the broker does not report unacknowledged ones, so count ours.
      return counts.reduce((sum, count) => sum + count, 0) + (runner?.running ?? 0)
    },
    close,
    async destroy() {
      await close()
      const admin = await amqp.connect(options.url)
      try {
        const channel = await admin.createChannel()
        const queues = [
          name,
          deadQueue,
          ...Array.from({ length: retry.maxRetries }, (_, index) => retryQueue(index + 1)),
          ...[...delaysUsed].map(delayQueue),
        ]
        for (const queue of queues) await channel.deleteQueue(queue)
      } finally {
        await admin.close()
      }
    },
  }
}

/** Declares a queue (idempotent) and returns how many ready messages it holds. */
async function assertQueue(channel: Channel, queue: string, args: Record<string, unknown>): Promise<number> {
  try {
    const reply = await channel.assertQueue(queue, { durable: true, arguments: args })
    return reply.messageCount
  } catch (error) {
    if ((error as { code?: unknown }).code === 406) {
      throw new ConfigError({
        keyPath: 'queue.queue_name',
        message:
          `RabbitMQ queue "${queue}" already exists with other arguments (did queue.retry_backoff_ms change?): ` +
          `delete it, or use another queue name. ${errorMessage(error)}`,
      })
    }
    throw error
  }
}

function publishRaw(
  current: Link,
  queue: string,
  content: Buffer,
  headers: Record<string, unknown>,
  messageId?: string,
): Promise<void> {
  const publishId = randomUUID()
  return new Promise((resolve, reject) => {
    // The callback is the broker's confirm: only then is a persistent message safe on disk. A
    // confirmed message may still have been dropped as unroutable (its queue was deleted), which
    // `mandatory` turns into a return that arrives before the confirm.
    current.publisher.sendToQueue(
      queue,
      content,
      {
        persistent: true,
        mandatory: true,
        correlationId: publishId,
        contentType: 'application/json',
        headers,
        ...(messageId ? { messageId } : {}),
      },
      (error: unknown) => {
        if (error) return reject(error instanceof Error ? error : new Error(String(error)))
        if (current.returned.delete(publishId)) {
          return reject(new Error(`RabbitMQ queue "${queue}" does not exist; the message was not stored`))
        }
        resolve()
      },
    )
  })
}

function encode(message: JobMessage): Buffer {
  return Buffer.from(JSON.stringify({ id: message.id, payload: message.payload }))
}

function parseMessage(content: Buffer): JobMessage | undefined {
  try {
    const value: unknown = JSON.parse(content.toString('utf8'))
    if (typeof value !== 'object' || value === null) return undefined
    const { id, payload } = value as { id?: unknown; payload?: unknown }
    if (typeof id !== 'string' || typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      return undefined
    }
    return { id, payload: payload as Record<string, unknown> }
  } catch {
    return undefined
  }
}

function readAttempt(message: ConsumeMessage): number {
  const value: unknown = message.properties.headers?.[attemptHeader]
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : 1
}

/** The URL with `heartbeat=<seconds>` added, unless it names one already. */
function withHeartbeat(url: string, seconds: number): string {
  try {
    const parsed = new URL(url)
    if (!parsed.searchParams.has('heartbeat')) parsed.searchParams.set('heartbeat', String(seconds))
    return parsed.toString()
  } catch {
    return url
  }
}
