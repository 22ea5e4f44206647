import type { NotificationTargetDefinition } from '../workspace/model.ts'
import type { NotificationRoute } from './notification-events.ts'

const routes: [NotificationRoute, string][] = [
  ['onComplete', 'on_complete'],
  ['onError', 'on_error'],
  ['onTimeout', 'on_timeout'],
]

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined)

function toTarget(value: unknown): NotificationTargetDefinition | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const item = value as Record<string, unknown>
  if (item.channel !== 'webhook' && item.channel !== 'slack') return undefined
  return {
    channel: item.channel,
    target: text(item.target),
    url: text(item.url),
    template: text(item.template),
    payloadTemplate: text(item.payloadTemplate) ?? text(item.payload_template),
  }
}

/**
 * The targets a schedule's `notify` adds to the runs it starts, by route. Two shapes are read:
 * one target with flags (`{channel, target|url, on_complete, on_error, on_timeout}`, every flag
 * defaulting to on), or lists of targets per route like an agent's `notifications`. Keys may be
 * snake_case (API) or camelCase (AGENT.md, normalized).
 */
export function scheduleNotifyTargets(
  notify: Record<string, unknown> | null | undefined,
): Record<NotificationRoute, NotificationTargetDefinition[]> {
  const result: Record<NotificationRoute, NotificationTargetDefinition[]> = {
    onComplete: [],
    onError: [],
    onTimeout: [],
    // A schedule's `notify` has no approval route; agents' `on_approval` still applies.
    onApproval: [],
  }
  if (!notify) return result
  const single = toTarget(notify)
  for (const [route, written] of routes) {
    const value = notify[route] ?? notify[written]
    if (Array.isArray(value)) {
      for (const item of value) {
        const target = toTarget(item)
        if (target) result[route].push(target)
      }
    } else if (single && value !== false) {
      result[route].push(single)
    }
  }
  return result
}
