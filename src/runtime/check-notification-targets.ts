import type { GatewayConfig } from '../core/config/schema.ts'
import { scheduleNotifyTargets } from '../core/notifications/schedule-notify-targets.ts'
import type { AgentDefinition, Diagnostic } from '../core/workspace/model.ts'
import { targetProblem } from '../services/notifications/plan-deliveries.ts'

const lists = [
  ['onComplete', 'on_complete'],
  ['onError', 'on_error'],
  ['onTimeout', 'on_timeout'],
] as const

/**
 * Notification targets that cannot be sent to — a webhook name not in `notifications.webhooks`,
 * Slack without a bot token — as errors at the AGENT.md line that names them. The agent still
 * runs; such a delivery is logged dead with the same reason.
 */
export function checkNotificationTargets(
  agents: readonly AgentDefinition[],
  config: GatewayConfig['notifications'],
): Diagnostic[] {
  const diagnostics: Diagnostic[] = []
  for (const agent of agents) {
    for (const [key, written] of lists) {
      agent.notifications[key].forEach((target, index) => {
        const problem = targetProblem(target, config)
        if (!problem) return
        diagnostics.push({
          severity: 'error',
          file: agent.file,
          line: target.line,
          subject: { kind: 'agent', id: agent.id },
          keyPath: `notifications.${written}.${index}`,
          message: problem,
        })
      })
    }
    agent.schedules.forEach((schedule, index) => {
      const targets = scheduleNotifyTargets(schedule.notify as Record<string, unknown> | undefined)
      const problems = new Set(
        [...targets.onComplete, ...targets.onError, ...targets.onTimeout]
          .map((target) => targetProblem(target, config))
          .filter((problem) => problem !== undefined),
      )
      for (const problem of problems) {
        diagnostics.push({
          severity: 'error',
          file: agent.file,
          subject: { kind: 'agent', id: agent.id },
          keyPath: `schedules.${index}.notify`,
          message: problem,
        })
      }
    })
  }
  return diagnostics
}
