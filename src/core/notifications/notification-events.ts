import type { ExecutionStatus } from '../execution-types.ts'

/**
 * Every event a notification can be sent for. An event is added by name here and in
 * {@link eventRoutes}; whoever reaches the state calls `NotificationService.emit(name, id)` once,
 * where the transition happened (a conditional update that resolved `true`).
 */
export const notificationEventTypes = [
  'execution.completed',
  'execution.failed',
  'execution.cancelled',
  'execution.timeout',
  /** A run paused before a tool call that needs a human's approval (not terminal). */
  'execution.awaiting_approval',
] as const

export type NotificationEventType = (typeof notificationEventTypes)[number]

/** Which list of an agent's `notifications` (or a schedule's `notify`) an event goes to. */
export type NotificationRoute = 'onComplete' | 'onError' | 'onTimeout' | 'onApproval'

/**
 * Routing of events to an agent's `notifications` lists, as the reference routes them:
 * completed → `on_complete`; failed and cancelled → `on_error`; timeout → `on_timeout`.
 */
export const eventRoutes: Record<NotificationEventType, NotificationRoute> = {
  'execution.completed': 'onComplete',
  'execution.failed': 'onError',
  'execution.cancelled': 'onError',
  'execution.timeout': 'onTimeout',
  'execution.awaiting_approval': 'onApproval',
}

/** The event of an execution that reached a terminal status; `undefined` for a live one. */
export function eventOfStatus(status: ExecutionStatus): NotificationEventType | undefined {
  switch (status) {
    case 'completed':
      return 'execution.completed'
    case 'failed':
      return 'execution.failed'
    case 'cancelled':
      return 'execution.cancelled'
    case 'timeout':
      return 'execution.timeout'
    default:
      return undefined
  }
}

export function isNotificationEventType(value: string): value is NotificationEventType {
  return (notificationEventTypes as readonly string[]).includes(value)
}
