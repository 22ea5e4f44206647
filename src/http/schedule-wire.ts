import type { ScheduleRecord } from '../core/ports/schedule-store.ts'

/** A schedule as the HTTP API (and `agentgw schedules --format json`) shows it: snake_case. */
export type ScheduleInfo = {
  id: string
  agent_id: string
  name: string
  source: ScheduleRecord['source']
  owner_id: string | null
  cron_expr: string
  /** The schedule's time zone, or the gateway's when it has none. */
  timezone: string
  enabled: boolean
  message: string
  input: Record<string, unknown>
  instructions: string | null
  notify: Record<string, unknown> | null
  misfire_grace_seconds: number | null
  coalesce: boolean | null
  max_instances: number | null
  next_run_at: string | null
  last_run_at: string | null
  created_at: string
  updated_at: string
}

const iso = (epochMs: number | null) => (epochMs === null ? null : new Date(epochMs).toISOString())

export function toScheduleInfo(record: ScheduleRecord, gatewayTimezone: string): ScheduleInfo {
  return {
    id: record.id,
    agent_id: record.agentId,
    name: record.name,
    source: record.source,
    owner_id: record.ownerId,
    cron_expr: record.cron,
    timezone: record.timezone ?? gatewayTimezone,
    enabled: record.enabled,
    message: record.message,
    input: record.input,
    instructions: record.instructions,
    notify: record.notify,
    misfire_grace_seconds: record.misfireGraceSeconds,
    coalesce: record.coalesce,
    max_instances: record.maxInstances,
    next_run_at: iso(record.nextRunAt),
    last_run_at: iso(record.lastRunAt),
    created_at: new Date(record.createdAt).toISOString(),
    updated_at: new Date(record.updatedAt).toISOString(),
  }
}
