import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import { notificationEventTypes } from '../core/notifications/notification-events.ts'
import type { DeliveryAttemptRecord, DeliveryRecord } from '../core/ports/delivery-log.ts'
import { defineRoute } from '../http/define-route.ts'
import type { GatewayEnv } from '../http/gateway-env.ts'
import { errors } from '../http/openapi-schemas.ts'
import { TimestampSchema, toTimestamp } from './timestamp.ts'

const DeliveryStatusSchema = z.enum(['pending', 'delivered', 'dead'])
const ChannelSchema = z.enum(['webhook', 'slack'])

export const DeliverySchema = z
  .object({
    id: z.string().openapi({ description: 'The delivery id; for webhooks also the `webhook-id` header.' }),
    execution_id: z.string(),
    agent_id: z.string(),
    event: z.string(),
    channel: ChannelSchema,
    target: z.string().openapi({ description: 'The named endpoint, the inline URL, or the Slack channel.' }),
    status: DeliveryStatusSchema,
    attempts: z.number().int(),
    last_status_code: z.number().int().nullable(),
    last_error: z.string().nullable(),
    next_attempt_at: TimestampSchema.nullable(),
    created_at: TimestampSchema,
    updated_at: TimestampSchema,
    delivered_at: TimestampSchema.nullable(),
  })
  .openapi('NotificationDelivery')

const AttemptSchema = z
  .object({
    attempt: z.number().int(),
    status_code: z.number().int().nullable(),
    latency_ms: z.number().int(),
    error: z.string().nullable(),
    at: TimestampSchema,
  })
  .openapi('NotificationAttempt')

export function toDeliveryBody(record: DeliveryRecord): z.infer<typeof DeliverySchema> {
  return {
    id: record.id,
    execution_id: record.executionId,
    agent_id: record.agentId,
    event: record.event,
    channel: record.channel,
    target: record.target,
    status: record.status,
    attempts: record.attempts,
    last_status_code: record.lastStatusCode,
    last_error: record.lastError,
    next_attempt_at: toTimestamp(record.nextAttemptAt),
    created_at: toTimestamp(record.createdAt),
    updated_at: toTimestamp(record.updatedAt),
    delivered_at: toTimestamp(record.deliveredAt),
  }
}

const toAttemptBody = (attempt: DeliveryAttemptRecord): z.infer<typeof AttemptSchema> => ({
  attempt: attempt.attempt,
  status_code: attempt.statusCode,
  latency_ms: attempt.latencyMs,
  error: attempt.error,
  at: toTimestamp(attempt.at),
})

/** The body as sent, parsed back for display; text when it is not JSON. */
function parsedBody(body: string): unknown {
  try {
    return JSON.parse(body) as unknown
  } catch {
    return body
  }
}

const DeliveryIdParams = z.object({
  delivery_id: z
    .string()
    .min(1)
    .max(128)
    .openapi({ param: { name: 'delivery_id', in: 'path' } }),
})

const listRoute = defineRoute(
  { id: 'notifications.list', surface: 'api', scopes: ['notifications:read'] },
  createRoute({
    operationId: 'listNotificationDeliveries',
    method: 'get',
    path: '/v1/notifications',
    tags: ['Notifications'],
    summary: 'List notification deliveries, newest first',
    description:
      "Deliveries of the caller's own executions; every caller's with `executions:read_all`, `admin` or `*`.",
    request: {
      query: z.object({
        status: DeliveryStatusSchema.optional(),
        agent_id: z.string().max(128).optional(),
        channel: ChannelSchema.optional(),
        execution_id: z.string().max(128).optional(),
        event: z.enum(notificationEventTypes).optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
        offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
      }),
    },
    responses: {
      200: {
        description: 'A page of deliveries',
        content: {
          'application/json': {
            schema: z
              .object({
                items: z.array(DeliverySchema),
                total: z.number().int(),
                limit: z.number().int(),
                offset: z.number().int(),
              })
              .openapi('NotificationDeliveryPage'),
          },
        },
      },
      ...errors(400, 401, 403, 422),
    },
  }),
)

const getRoute = defineRoute(
  { id: 'notifications.get', surface: 'api', scopes: ['notifications:read'] },
  createRoute({
    operationId: 'getNotificationDelivery',
    method: 'get',
    path: '/v1/notifications/{delivery_id}',
    tags: ['Notifications'],
    summary: 'Get a delivery with its payload and attempts',
    request: { params: DeliveryIdParams },
    responses: {
      200: {
        description: 'The delivery, the body it sends and every attempt',
        content: {
          'application/json': {
            schema: DeliverySchema.extend({
              payload: z.unknown(),
              attempt_log: z.array(AttemptSchema),
            }).openapi('NotificationDeliveryDetail'),
          },
        },
      },
      ...errors(401, 403, 404),
    },
  }),
)

const redeliverRoute = defineRoute(
  { id: 'notifications.redeliver', surface: 'api', scopes: ['notifications:write'] },
  createRoute({
    operationId: 'redeliverNotification',
    method: 'post',
    path: '/v1/notifications/{delivery_id}/redeliver',
    tags: ['Notifications'],
    summary: 'Send a delivery again',
    description:
      'Queues a dead or delivered delivery again with the same id (`webhook-id`) and body and a fresh set of attempts. A delivery still pending answers 409.',
    request: { params: DeliveryIdParams },
    responses: {
      202: {
        description: 'Queued again',
        content: { 'application/json': { schema: DeliverySchema } },
      },
      ...errors(401, 403, 404, 409),
    },
  }),
)

export function registerNotificationRoutes(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(listRoute, async (c) => {
    const query = c.req.valid('query')
    const page = await c.var.runtime.notifications.listVisible(
      {
        status: query.status,
        agentId: query.agent_id,
        channel: query.channel,
        executionId: query.execution_id,
        event: query.event,
        limit: query.limit,
        offset: query.offset,
      },
      c.var.viewer,
    )
    return c.json(
      { items: page.items.map(toDeliveryBody), total: page.total, limit: query.limit, offset: query.offset },
      200,
    )
  })

  app.openapi(getRoute, async (c) => {
    const id = c.req.valid('param').delivery_id
    const { delivery, attempts } = await c.var.runtime.notifications.getVisible(id, c.var.viewer)
    return c.json(
      {
        ...toDeliveryBody(delivery),
        payload: parsedBody(delivery.body),
        attempt_log: attempts.map(toAttemptBody),
      },
      200,
    )
  })

  app.openapi(redeliverRoute, async (c) => {
    const id = c.req.valid('param').delivery_id
    const delivery = await c.var.runtime.notifications.redeliver(id, c.var.viewer)
    return c.json(toDeliveryBody(delivery), 202)
  })
}
