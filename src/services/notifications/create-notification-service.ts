import { listScope, type Viewer } from '../../core/authorization.ts'
import type { GatewayConfig } from '../../core/config/schema.ts'
import { GatewayError } from '../../core/errors.ts'
import type { Logger } from '../../core/logger.ts'
import { createAddressPolicy } from '../../core/notifications/address-policy.ts'
import type { NotificationEventType } from '../../core/notifications/notification-events.ts'
import { scheduleNotifyTargets } from '../../core/notifications/schedule-notify-targets.ts'
import type {
  DeliveryAttemptRecord,
  DeliveryFilter,
  DeliveryLog,
  DeliveryRecord,
} from '../../core/ports/delivery-log.ts'
import type { ExecutionRecord, ExecutionStore } from '../../core/ports/execution-store.ts'
import type { JobQueue, ReceivedJob } from '../../core/ports/job-queue.ts'
import type { AgentDefinition, NotificationTargetDefinition } from '../../core/workspace/model.ts'
import { requireAccess } from '../require-access.ts'
import { planDeliveries } from './plan-deliveries.ts'
import { sendDelivery } from './send-delivery.ts'

/** The `kind` of queue jobs that carry one attempt of a delivery. */
export const deliveryJobKind = 'notification_delivery'

/** Targets a caller adds to an execution's own (a schedule's `notify`), by route. */
export type ExtraTargets = (record: ExecutionRecord) => Promise<{
  onComplete?: NotificationTargetDefinition[]
  onError?: NotificationTargetDefinition[]
  onTimeout?: NotificationTargetDefinition[]
  onApproval?: NotificationTargetDefinition[]
}>

export interface NotificationService {
  /**
   * Plans and queues the notifications of `event` for an execution. Call it once, where the
   * transition happened (the conditional update that resolved `true`); planning twice is
   * harmless (delivery ids are stable). Never throws and never waits for a receiver.
   */
  emit(event: NotificationEventType, executionId: string): Promise<void>
  /** Handles one queue job of kind {@link deliveryJobKind}: one attempt of one delivery. */
  handleJob(job: ReceivedJob): Promise<void>
  /** Deliveries the viewer may see, newest first. */
  listVisible(
    filter: Omit<DeliveryFilter, 'principalId'>,
    viewer: Viewer,
  ): Promise<{ items: DeliveryRecord[]; total: number }>
  /** A delivery and its attempts, when the viewer may see it. */
  getVisible(
    id: string,
    viewer: Viewer,
  ): Promise<{ delivery: DeliveryRecord; attempts: DeliveryAttemptRecord[] }>
  /**
   * Sends a delivery again with the same id and body and a fresh set of attempts, when the
   * viewer may change it; `conflict` while it is still pending.
   */
  redeliver(id: string, viewer: Viewer): Promise<DeliveryRecord>
  /** Waits for emits still planning (at shutdown). */
  drain(): Promise<void>
}

export interface CreateNotificationServiceOptions {
  config: GatewayConfig['notifications']
  log: DeliveryLog
  queue: JobQueue
  executions: ExecutionStore
  /** The agent as defined in the workspace, for its `notifications`. */
  agent: (id: string) => AgentDefinition | undefined
  extraTargets?: ExtraTargets | undefined
  logger: Logger
  now?: () => number
}

/** The delay before retry number `retry` (1-based): doubling from the backoff, capped. */
export function deliveryBackoffMs(config: GatewayConfig['notifications'], retry: number): number {
  return Math.min(config.maxBackoffMs, config.retryBackoffMs * 2 ** (retry - 1))
}

export function createNotificationService(options: CreateNotificationServiceOptions): NotificationService {
  const { config, log, queue, logger } = options
  const now = options.now ?? Date.now
  const policy = createAddressPolicy(config.allowedNetworks)
  const planning = new Set<Promise<void>>()

  const enqueueAttempt = (id: string, attempt: number, delayMs: number) =>
    queue.enqueue(
      { id: `${id}.${attempt}`, payload: { kind: deliveryJobKind, deliveryId: id, attempt } },
      delayMs > 0 ? { delayMs } : undefined,
    )

  const plan = async (event: NotificationEventType, executionId: string) => {
    const record = await options.executions.get(executionId)
    if (!record) return
    const agent = options.agent(record.agentId)
    const extra = (await options.extraTargets?.(record)) ?? {}
    const own = agent?.notifications ?? { onComplete: [], onError: [], onTimeout: [], onApproval: [] }
    // A run a schedule started also goes to the schedule's `notify` targets.
    const scheduled = scheduleNotifyTargets(record.options.notify)
    const deliveries = planDeliveries({
      event,
      record,
      targets: {
        onComplete: [...own.onComplete, ...scheduled.onComplete, ...(extra.onComplete ?? [])],
        onError: [...own.onError, ...scheduled.onError, ...(extra.onError ?? [])],
        onTimeout: [...own.onTimeout, ...scheduled.onTimeout, ...(extra.onTimeout ?? [])],
        onApproval: [...own.onApproval, ...(extra.onApproval ?? [])],
      },
      config,
      now: now(),
    })
    for (const delivery of deliveries) {
      await log.create(delivery)
      if (delivery.status === 'dead') {
        logger.warn(
          { deliveryId: delivery.id, target: delivery.target },
          `notification not sent: ${delivery.lastError}`,
        )
        continue
      }
      // Enqueued even when the row existed: the first planner may have died before enqueueing,
      // and the job id makes a second enqueue a no-op where the queue can tell.
      await enqueueAttempt(delivery.id, 1, 0)
    }
  }

  const notFound = (id: string) => () =>
    new GatewayError('delivery_not_found', { message: `Notification delivery "${id}" not found.` })

  const access = async (id: string, viewer: Viewer, kind: 'read' | 'change') =>
    requireAccess(await log.get(id), {
      viewer,
      access: kind,
      ownerId: (delivery) => delivery.principalId,
      notFound: notFound(id),
      forbiddenMessage: `You may read notification delivery "${id}" but not redeliver it.`,
    })

  return {
    emit(event, executionId) {
      const task = plan(event, executionId).catch((error: unknown) =>
        logger.error({ err: error, executionId, event }, 'planning notifications failed'),
      )
      planning.add(task)
      void task.finally(() => planning.delete(task))
      return task
    },

    async handleJob(job) {
      const id = typeof job.payload.deliveryId === 'string' ? job.payload.deliveryId : undefined
      const attempt = typeof job.payload.attempt === 'number' ? job.payload.attempt : undefined
      if (!id || !attempt) return
      const delivery = await log.get(id)
      // Finished, or this attempt was already made (a queue's duplicate): nothing to do.
      if (delivery?.status !== 'pending' || delivery.attempts !== attempt - 1) return
      const outcome = await sendDelivery(delivery, { config, policy, now: now() })
      const at = now()
      const record: DeliveryAttemptRecord = {
        deliveryId: id,
        attempt,
        statusCode: outcome.statusCode,
        latencyMs: outcome.latencyMs,
        error: outcome.error,
        at,
      }
      if (outcome.ok) {
        await log.recordAttempt(id, { attempt: record, status: 'delivered', nextAttemptAt: null })
        return
      }
      const last = outcome.refused || attempt >= delivery.lastAllowedAttempt
      if (last) {
        if (await log.recordAttempt(id, { attempt: record, status: 'dead', nextAttemptAt: null }))
          logger.warn(
            { deliveryId: id, target: delivery.target, attempts: attempt },
            `notification dead: ${outcome.error}`,
          )
        return
      }
      const firstOfRound = delivery.lastAllowedAttempt - config.maxAttempts + 1
      const delayMs = deliveryBackoffMs(config, Math.max(1, attempt - firstOfRound + 1))
      // The next attempt is queued before this one is recorded: if queueing fails, the job is
      // retried by the queue and this attempt made again, rather than the delivery stalling.
      await enqueueAttempt(id, attempt + 1, delayMs)
      await log.recordAttempt(id, { attempt: record, status: 'pending', nextAttemptAt: at + delayMs })
    },

    async listVisible(filter, viewer) {
      const scope = listScope(viewer)
      if (scope.kind === 'nothing') return { items: [], total: 0 }
      return log.list({ ...filter, principalId: scope.kind === 'owner' ? scope.ownerId : undefined })
    },

    async getVisible(id, viewer) {
      const delivery = await access(id, viewer, 'read')
      return { delivery, attempts: await log.listAttempts(id) }
    },

    async redeliver(id, viewer) {
      await access(id, viewer, 'change')
      const reopened = await log.reopen(id, config.maxAttempts, now())
      if (!reopened)
        throw new GatewayError('invalid_state', {
          message: `Notification delivery "${id}" is still being delivered.`,
        })
      await enqueueAttempt(id, reopened.attempts + 1, 0)
      return reopened
    },

    async drain() {
      await Promise.all([...planning])
    },
  }
}
