import type { ExecutionStatus } from '../../core/execution-types.ts'

/** `persistence.retention` from gateway.yaml, in days (camelCase as parsed). */
export interface RetentionSettings {
  executionsDays?: number | undefined
  completedExecutionsDays?: number | undefined
  failedExecutionsDays?: number | undefined
  cancelledExecutionsDays?: number | undefined
  timeoutExecutionsDays?: number | undefined
  sessionsIdleDays?: number | undefined
}

/** What to prune: per terminal status how long a finished execution is kept, and idle sessions. */
export interface RetentionRules {
  executions: { status: ExecutionStatus; keepMs: number }[]
  /** `undefined` keeps sessions forever. */
  sessionsIdleMs: number | undefined
}

const dayMs = 86_400_000

/**
 * The rules the settings describe: a status's own window when set, else `executionsDays`, else
 * that status is kept forever. Nothing set means nothing is ever deleted.
 */
export function retentionRules(settings: RetentionSettings): RetentionRules {
  const perStatus: [ExecutionStatus, number | undefined][] = [
    ['completed', settings.completedExecutionsDays],
    ['failed', settings.failedExecutionsDays],
    ['cancelled', settings.cancelledExecutionsDays],
    ['timeout', settings.timeoutExecutionsDays],
  ]
  const executions: RetentionRules['executions'] = []
  for (const [status, own] of perStatus) {
    const days = own ?? settings.executionsDays
    if (days !== undefined) executions.push({ status, keepMs: days * dayMs })
  }
  return {
    executions,
    sessionsIdleMs: settings.sessionsIdleDays === undefined ? undefined : settings.sessionsIdleDays * dayMs,
  }
}

/** Whether the rules delete anything at all. */
export const prunesAnything = (rules: RetentionRules) =>
  rules.executions.length > 0 || rules.sessionsIdleMs !== undefined
