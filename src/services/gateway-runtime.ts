import type { GatewayConfig } from '../core/config/schema.ts'
import type { Logger } from '../core/logger.ts'
import type { AuditLog } from '../core/ports/audit-log.ts'
import type { EventBus } from '../core/ports/event-bus.ts'
import type { MemoryStore } from '../core/ports/memory-store.ts'
import type { CompiledTrust } from '../core/url/compile-trust.ts'
import type { Diagnostic, WorkspaceDefinition } from '../core/workspace/model.ts'
import type { ModelRegistry } from '../engine/models/model-registry.ts'
import type { JsonSchemaValidator } from '../json-schema/create-json-schema-validator.ts'
import type { ToolRegistry } from '../tools/tool-types.ts'
import type { AgentRunner } from './agent-runner.ts'
import type { AgentCatalog } from './agents/create-agent-catalog.ts'
import type { GatewaySecurity } from './auth/create-security.ts'
import type { DashboardService } from './dashboard-auth/create-dashboard-service.ts'
import type { ApprovalService } from './executions/create-approval-service.ts'
import type { ExecutionService } from './executions/create-execution-service.ts'
import type { IdempotencyService } from './executions/idempotency.ts'
import type { GatewayDrain } from './lifecycle/create-drain.ts'
import type { McpClients } from './mcp/create-mcp-clients.ts'
import type { McpServerService } from './mcp/mcp-server-service.ts'
import type { NotificationService } from './notifications/create-notification-service.ts'
import type { PersonalConfigService } from './personal/create-personal-config-service.ts'
import type { ScheduleService } from './schedules/create-schedule-service.ts'
import type { SecretBox } from './secrets/create-secret-box.ts'
import type { SessionService } from './sessions/create-session-service.ts'
import type { WorkspaceReloader } from './workspace/create-workspace-reloader.ts'

/**
 * Everything a started gateway holds. Built once by `start()`; route handlers read it from the
 * request context. Nothing in here is module-level, so gateways in one process never share it.
 */
export interface GatewayRuntime {
  config: GatewayConfig
  /** The served workspace; replaced as a whole by a reload (read it per request). */
  workspace: WorkspaceDefinition
  /** The served workspace's tools; replaced with it. */
  tools: ToolRegistry
  trust: CompiledTrust
  logger: Logger
  validator: JsonSchemaValidator
  models: ModelRegistry
  /** Chat sessions, as each viewer may see them. */
  sessions: SessionService
  /** Agents as served: the workspace with dashboard overrides applied. */
  agents: AgentCatalog
  /** Users' setups of personal agents, each visible to its owner only. */
  personalConfigs: PersonalConfigService
  /** Agent memories, per user and agent (`gw.useMemory`, the storage's, or in-process). */
  memories: MemoryStore
  runner: AgentRunner
  executions: ExecutionService
  /** Tool calls waiting for a human's approval. */
  approvals: ApprovalService
  /** `Idempotency-Key`s of requests that start executions, for every entry point. */
  idempotency: IdempotencyService
  /** Cron schedules (workspace, admin and users'), as each viewer may see them, and the ticker. */
  schedules: ScheduleService
  /** Notifications of execution events: planning, delivery, the delivery log as viewers see it. */
  notifications: NotificationService
  bus: EventBus
  audit: AuditLog
  security: GatewaySecurity
  /** Encrypts stored secrets; `undefined` without a key (see `requireSecretBox`). */
  secretBox: SecretBox | undefined
  /** The MCP servers agents use as tool sources: connections, status and tools. */
  mcp: McpClients
  /** MCP servers from gateway.yaml and the database, as the admin API and dashboard manage them. */
  mcpServers: McpServerService
  /** The dashboard's logins and sessions, when `dashboard.enabled`. */
  dashboard: DashboardService | undefined
  /** Draining state: in-flight requests and runs, and the cancel signal after the grace period. */
  drain: GatewayDrain
  /** Hot reload: the served workspace version, reloading it, and other instances' reloads. */
  reloader: WorkspaceReloader
  /**
   * Drains and releases everything; called by `gw.stop()`. Waits up to `drainMs` for in-flight
   * requests and runs while the queue hands back its jobs, cancels (and records) what is still
   * running, then closes storage and tools.
   */
  close(drainMs: number): Promise<void>
  /** Config warnings, workspace diagnostics and handler problems, in that order. */
  diagnostics: Diagnostic[]
  /** Notes for operators that are not problems (e.g. agents on the mock model). */
  notices: string[]
}
