import type { ExecutionRecord } from '../ports/execution-store.ts'
import type { NotificationEventType } from './notification-events.ts'

/** The default payload's `output` is cut to this many characters (JSON text for non-strings). */
export const maxPayloadOutputChars = 4000

/**
 * The documented JSON body of a notification (docs/notifications.md). It carries no secrets, no
 * input and no usage — only what the reference's default payload carried, plus times.
 */
export interface NotificationPayload {
  event: NotificationEventType
  execution_id: string
  agent_id: string
  status: string
  message: string
  /** The answer, cut to `max_output_chars` characters (then `output_truncated` is `true`). */
  output: unknown
  output_truncated: boolean
  error?: { code: string; message: string }
  duration_ms: number | null
  created_at: string
  completed_at: string | null
}

/** Builds the default payload of an event for an execution as stored. */
export function toNotificationPayload(
  event: NotificationEventType,
  record: ExecutionRecord,
  options: { maxOutputChars: number },
): NotificationPayload {
  const output = record.result?.output ?? null
  let kept: unknown = output
  let truncated = false
  const text = typeof output === 'string' ? output : output === null ? '' : (JSON.stringify(output) ?? '')
  if (text.length > options.maxOutputChars) {
    kept = `${text.slice(0, options.maxOutputChars)}…`
    truncated = true
  }
  return {
    event,
    execution_id: record.id,
    agent_id: record.agentId,
    status: record.status,
    message: record.message.slice(0, options.maxOutputChars),
    output: kept,
    output_truncated: truncated,
    ...(record.error ? { error: { code: record.error.code, message: record.error.message } } : {}),
    duration_ms:
      record.startedAt !== null && record.completedAt !== null ? record.completedAt - record.startedAt : null,
    created_at: new Date(record.createdAt).toISOString(),
    completed_at: record.completedAt === null ? null : new Date(record.completedAt).toISOString(),
  }
}
