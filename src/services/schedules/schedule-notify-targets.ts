import type { ExecutionRecord } from '../../core/ports/execution-store.ts'
import type { NotificationTargetDefinition } from '../../core/workspace/model.ts'

const channels = new Set(['slack', 'webhook'])

/**
 * The notification targets a schedule's `notify` adds to a run it started, by outcome:
 * `{channel, target?, url?, on_complete?, on_error?, on_timeout?}` (each `on_*` true unless
 * `false`). Runs not started by a schedule, or a `notify` without a known channel, add none.
 */
export async function scheduleNotifyTargets(record: ExecutionRecord): Promise<{
  onComplete: NotificationTargetDefinition[]
  onError: NotificationTargetDefinition[]
  onTimeout: NotificationTargetDefinition[]
}> {
  const notify = record.options.scheduleId ? record.options.notify : null
  const none = { onComplete: [], onError: [], onTimeout: [] }
  if (!notify || typeof notify.channel !== 'string' || !channels.has(notify.channel)) return none
  const target: NotificationTargetDefinition = {
    channel: notify.channel as NotificationTargetDefinition['channel'],
    ...(typeof notify.target === 'string' ? { target: notify.target } : {}),
    ...(typeof notify.url === 'string' ? { url: notify.url } : {}),
  }
  const on = (key: string) => (notify[key] === false ? [] : [target])
  return { onComplete: on('on_complete'), onError: on('on_error'), onTimeout: on('on_timeout') }
}
