import type { AgentOverrideStore } from './agent-override-store.ts'
import type { AuditLog } from './audit-log.ts'
import type { DashboardSessionStore } from './dashboard-session-store.ts'
import type { DeliveryLog } from './delivery-log.ts'
import type { ExecutionStore } from './execution-store.ts'
import type { IdempotencyStore } from './idempotency-store.ts'
import type { LeaseStore } from './lease-store.ts'
import type { LoginFailureStore } from './login-failure-store.ts'
import type { McpServerStore } from './mcp-server-store.ts'
import type { MemoryStore } from './memory-store.ts'
import type { PersonalConfigStore } from './personal-config-store.ts'
import type { ScheduleStore } from './schedule-store.ts'
import type { SecretStore } from './secret-store.ts'
import type { SessionStore } from './session-store.ts'

/**
 * Everything a gateway stores, as one object: what `persistence.backend` accepts in code besides
 * the names `sqlite` and `postgres`. Each member is a port with its own written semantics and
 * conformance suite (`agentgw/testing`); a storage passes `defineStorageConformance` when every
 * member passes its own.
 *
 * The gateway uses a storage it was given and never closes it: whoever created it closes it
 * (after `gw.stop()`), so a start that fails can be retried with the same storage. For several
 * gateway instances to act as one, their storages must share the data — e.g. one database.
 *
 * @example
 * ```ts
 * const storage: GatewayStorage = {
 *   executions: myExecutionStore,
 *   sessions: mySessionStore,
 *   dashboardSessions, secrets, agentOverrides, loginFailures, audit, schedules, mcpServers,
 *   deliveries, personalConfigs,
 * }
 * const gw = new Gateway({ persistence: { backend: storage } })
 * ```
 */
export interface GatewayStorage {
  /** Executions (every run) and their step traces. */
  executions: ExecutionStore
  /** Chat sessions and their history, with the per-session turn lock. */
  sessions: SessionStore
  /** Signed-in dashboard users. */
  dashboardSessions: DashboardSessionStore
  /** Secrets every instance shares, e.g. the dashboard's cookie-signing key. */
  secrets: SecretStore
  /** Agent changes made by admins in the dashboard. */
  agentOverrides: AgentOverrideStore
  /** Failed dashboard logins per client, for the login throttle. */
  loginFailures: LoginFailureStore
  /** Who did what, for operators. */
  audit: AuditLog
  /** MCP servers configured through the admin API, credentials sealed. */
  mcpServers: McpServerStore
  /**
   * Named leases, so background duties (the queue reconciler) run on one instance at a time.
   * Optional: without it each instance runs them itself, which is safe but duplicates work.
   */
  leases?: LeaseStore | undefined
  /**
   * `Idempotency-Key`s and the executions they stand for. Optional: without it keys are kept in
   * each process only, so a retry that reaches another instance is not recognised.
   */
  idempotencyKeys?: IdempotencyStore | undefined
  /** Cron schedules and their runs; ticks are claimed here, so every instance may run the ticker. */
  schedules: ScheduleStore
  /** Notifications sent (webhooks, Slack), each attempt, and what is still to be sent. */
  deliveries: DeliveryLog
  /** Each user's setup of personal agents (sensitive values sealed). */
  personalConfigs: PersonalConfigStore
  /**
   * Agent memories per user and agent. Optional: without it memories are kept in each process
   * only (lost on restart, not shared between instances); `gw.useMemory(store)` overrides it.
   */
  memories?: MemoryStore | undefined
}
