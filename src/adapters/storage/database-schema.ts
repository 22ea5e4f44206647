import type { Generated } from 'kysely'

/** Column types of the gateway's tables. Times are epoch milliseconds; JSON is stored as text. */
export interface ExecutionsTable {
  id: string
  agent_id: string
  status: string
  kind: string
  message: string
  input: string
  options: string
  result: string | null
  error: string | null
  usage: string | null
  session_id: string | null
  principal_id: string | null
  parent_execution_id: string | null
  root_execution_id: string
  depth: number
  attempts: number
  created_at: number
  started_at: number | null
  completed_at: number | null
  cancel_requested_at: number | null
  updated_at: number
  /** `usage.costUsd` of a finished execution, as a column so cost filters and sums run in SQL. */
  cost_usd: number | null
  /** The `PendingApproval` of an `awaiting_approval` execution, as JSON. */
  pending_approval: string | null
  /** The OpenTelemetry trace id active when the execution was created. */
  trace_id: string | null
}

export interface ExecutionStepsTable {
  execution_id: string
  sequence: number
  type: string
  data: string
  duration_ms: number | null
  attempt: number
  created_at: number
}

/** The run journal: each step of a run in full, for replay by a retried attempt. */
export interface ExecutionJournalTable {
  execution_id: string
  sequence: number
  attempt: number
  /** A `RunJournalEntry` as JSON. */
  entry: string
  created_at: number
}

export interface ConversationsTable {
  id: string
  agent_id: string
  owner_id: string | null
  title: string | null
  message_count: number
  turn_count: number
  created_at: number
  updated_at: number
}

export interface ConversationMessagesTable {
  conversation_id: string
  sequence: number
  role: string
  data: string
  created_at: number
}

export interface JobsTable {
  id: string
  queue: string
  payload: string
  status: string
  attempts: number
  run_at: number
  locked_by: string | null
  locked_until: number | null
  last_error: string | null
  created_at: number
  updated_at: number
}

export interface LeasesTable {
  name: string
  holder: string
  expires_at: number
}

export interface AuditLogTable {
  id: string
  event_type: string
  actor: string | null
  resource_type: string | null
  resource_id: string | null
  metadata: string
  ip_address: string | null
  created_at: number
}

export interface DashboardSessionsTable {
  /** SHA-256 of the session token: a leaked table does not hand out live cookies. */
  id_hash: string
  principal_id: string
  username: string
  display_name: string
  email: string | null
  subject: string | null
  auth_method: string
  role: string
  csrf_token: string
  created_at: number
  expires_at: number
}

export interface GatewaySecretsTable {
  name: string
  value: string
  created_at: number
}

export interface AgentOverridesTable {
  agent_id: string
  enabled: number | null
  description: string | null
  model: string | null
  execution_mode: string | null
  updated_by: string | null
  updated_at: number
}

export interface LoginFailuresTable {
  key: string
  failures: number
  window_started_at: number
}

export interface McpServersTable {
  name: string
  transport: string
  command: string | null
  /** JSON array of strings. */
  args: string
  cwd: string | null
  url: string | null
  enabled: number
  connection_timeout_ms: number | null
  tool_call_timeout_ms: number | null
  sealed_secrets: string | null
  /** JSON array of strings. */
  secret_names: string
  created_at: number
  updated_at: number
}

export interface IdempotencyKeysTable {
  scope: string
  key: string
  fingerprint: string
  execution_id: string
  created_at: number
  expires_at: number
}

export interface SchedulesTable {
  id: string
  agent_id: string
  name: string
  source: string
  owner_id: string | null
  run_as: string
  cron: string
  timezone: string | null
  message: string
  input: string
  instructions: string | null
  notify: string | null
  enabled: number
  misfire_grace_seconds: number | null
  coalesce: number | null
  max_instances: number | null
  next_run_at: number | null
  last_run_at: number | null
  created_at: number
  updated_at: number
}

export interface ScheduleRunsTable {
  /** `<schedule>|tick|<fire_time>` or `<schedule>|manual|<execution>`: unique per tick. */
  run_key: string
  schedule_id: string
  trigger: string
  fire_time: number
  status: string
  execution_id: string | null
  reason: string | null
  created_at: number
}

export interface NotificationDeliveriesTable {
  id: string
  execution_id: string
  agent_id: string
  principal_id: string | null
  event: string
  channel: string
  target: string
  body: string
  status: string
  attempts: number
  last_allowed_attempt: number
  last_status_code: number | null
  last_error: string | null
  next_attempt_at: number | null
  created_at: number
  updated_at: number
  delivered_at: number | null
}

export interface NotificationDeliveryAttemptsTable {
  delivery_id: string
  attempt: number
  status_code: number | null
  latency_ms: number
  error: string | null
  at: number
}

export interface PersonalConfigsTable {
  agent_id: string
  owner_id: string
  /** JSON object of the non-sensitive values. */
  config_values: string
  /** JSON object of sealed sensitive values. */
  sealed_secrets: string
  instructions: string | null
  updated_at: number
}

export interface MemoriesTable {
  seq: Generated<number>
  id: string
  owner_id: string
  agent_id: string
  content: string
  created_at: number
}

export interface GatewayDatabase {
  executions: ExecutionsTable
  execution_steps: ExecutionStepsTable
  execution_journal: ExecutionJournalTable
  conversations: ConversationsTable
  conversation_messages: ConversationMessagesTable
  jobs: JobsTable
  leases: LeasesTable
  audit_log: AuditLogTable
  dashboard_sessions: DashboardSessionsTable
  gateway_secrets: GatewaySecretsTable
  agent_overrides: AgentOverridesTable
  login_failures: LoginFailuresTable
  mcp_servers: McpServersTable
  idempotency_keys: IdempotencyKeysTable
  schedules: SchedulesTable
  schedule_runs: ScheduleRunsTable
  notification_deliveries: NotificationDeliveriesTable
  notification_delivery_attempts: NotificationDeliveryAttemptsTable
  personal_configs: PersonalConfigsTable
  memories: MemoriesTable
}
