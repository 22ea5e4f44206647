import { createHash } from 'node:crypto'
import type { GatewayConfig } from '../../core/config/schema.ts'
import { eventRoutes, type NotificationEventType } from '../../core/notifications/notification-events.ts'
import { toNotificationPayload } from '../../core/notifications/notification-payload.ts'
import { parseTemplate, renderTemplate } from '../../core/notifications/render-template.ts'
import type { DeliveryRecord } from '../../core/ports/delivery-log.ts'
import type { ExecutionRecord } from '../../core/ports/execution-store.ts'
import type { NotificationTargetDefinition } from '../../core/workspace/model.ts'

type NotificationsConfig = GatewayConfig['notifications']

/** Problems a target has before anything is sent (unknown endpoint, Slack not configured). */
export function targetProblem(
  target: NotificationTargetDefinition,
  config: NotificationsConfig,
): string | undefined {
  if (target.channel === 'webhook') {
    if (target.url) return undefined
    if (!target.target) return 'a webhook target needs `target` (a notifications.webhooks name) or `url`'
    if (!config.webhooks.some((webhook) => webhook.name === target.target))
      return `unknown webhook "${target.target}": not in notifications.webhooks of gateway.yaml`
    return undefined
  }
  if (!config.slack.enabled) return 'Slack target, but notifications.slack.enabled is false'
  if (!config.slack.botToken) return 'Slack target, but notifications.slack.bot_token is empty'
  return undefined
}

/** A stable id per execution, event and target, so planning twice yields the same deliveries. */
function deliveryId(executionId: string, event: string, key: string): string {
  return `msg_${createHash('sha256').update(`${executionId}\n${event}\n${key}`).digest('base64url').slice(0, 27)}`
}

function slackBody(
  target: NotificationTargetDefinition,
  config: NotificationsConfig,
  payload: Record<string, unknown>,
): string {
  const channel = target.target || config.slack.defaultChannel
  const summary = `${payload.agent_id}: ${String(payload.event).replace('execution.', '')} (${payload.execution_id})`
  if (target.template) {
    const parsed = parseTemplate(target.template)
    if ('template' in parsed) {
      const rendered = renderTemplate(parsed.template, payload)
      const body = Array.isArray(rendered)
        ? { blocks: rendered }
        : typeof rendered === 'object' && rendered !== null
          ? rendered
          : { text: String(rendered) }
      return JSON.stringify({ text: summary, ...body, channel })
    }
  }
  const output = typeof payload.output === 'string' ? payload.output : JSON.stringify(payload.output ?? '')
  const error = payload.error as { message?: string } | undefined
  const blocks = [
    { type: 'header', text: { type: 'plain_text', text: summary.slice(0, 150) } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Agent*\n${payload.agent_id}` },
        { type: 'mrkdwn', text: `*Status*\n${payload.status}` },
        { type: 'mrkdwn', text: `*Execution*\n${payload.execution_id}` },
        { type: 'mrkdwn', text: `*Duration*\n${payload.duration_ms ?? '-'} ms` },
      ],
    },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: (error?.message ?? output ?? '').slice(0, 2900) || '_no output_' },
    },
  ]
  return JSON.stringify({ channel, text: summary, blocks })
}

/**
 * The deliveries an event of an execution asks for: one per target of the route the event takes
 * (`on_complete`, `on_error`, `on_timeout`), skipping named endpoints whose `events` leave the
 * event out. Bodies are built now, so every attempt sends the same bytes.
 */
export function planDeliveries(input: {
  event: NotificationEventType
  record: ExecutionRecord
  targets: {
    onComplete: NotificationTargetDefinition[]
    onError: NotificationTargetDefinition[]
    onTimeout: NotificationTargetDefinition[]
    onApproval: NotificationTargetDefinition[]
  }
  config: NotificationsConfig
  now: number
}): DeliveryRecord[] {
  const { event, record, config, now } = input
  const route = eventRoutes[event]
  // Most runs notify nobody: build no payload for them.
  if (input.targets[route].length === 0) return []
  const payload = toNotificationPayload(event, record, {
    maxOutputChars: config.maxOutputChars,
  }) as unknown as Record<string, unknown>
  const planned: DeliveryRecord[] = []
  input.targets[route].forEach((target, index) => {
    let body: string
    let where: string
    if (target.channel === 'webhook') {
      const endpoint = target.url
        ? undefined
        : config.webhooks.find((webhook) => webhook.name === target.target)
      if (endpoint && endpoint.events.length > 0 && !endpoint.events.includes(event)) return
      where = target.url ?? target.target ?? ''
      const template = target.payloadTemplate ?? endpoint?.payloadTemplate
      const parsed = template ? parseTemplate(template) : undefined
      body = JSON.stringify(
        parsed && 'template' in parsed ? renderTemplate(parsed.template, payload) : payload,
      )
    } else {
      where = target.target || config.slack.defaultChannel
      body = slackBody(target, config, payload)
    }
    const problem = targetProblem(target, config)
    planned.push({
      id: deliveryId(record.id, event, `${route}:${index}:${target.channel}:${where}`),
      executionId: record.id,
      agentId: record.agentId,
      principalId: record.principalId,
      event,
      channel: target.channel,
      target: where,
      body,
      status: problem ? 'dead' : 'pending',
      attempts: 0,
      lastAllowedAttempt: config.maxAttempts,
      lastStatusCode: null,
      lastError: problem ?? null,
      nextAttemptAt: problem ? null : now,
      createdAt: now,
      updatedAt: now,
      deliveredAt: null,
    })
  })
  return planned
}
