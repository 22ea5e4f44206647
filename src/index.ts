/**
 * agentgw — serve AI agents defined in a workspace folder as a REST API, standalone or mounted
 * into any Node web app under a path prefix. This entry point has no side effects.
 *
 * Every name exported here is public API; a test snapshots the list, so a change to it is a
 * visible diff. Host adapters live in `agentgw/hono`, `agentgw/node`, `agentgw/express`,
 * `agentgw/fastify` and `agentgw/next`; the test kit in `agentgw/testing`.
 */

export type { ProxyHeadersOptions } from './core/config/proxy-headers.ts'
export type { GatewayConfig, GatewayConfigInput } from './core/config/schema.ts'
export { type ErrorCode, errorCodes } from './core/error-codes.ts'
export {
  ConfigError,
  type ConfigIssue,
  type ErrorDetail,
  type ErrorEnvelope,
  GatewayError,
  type GatewayErrorOptions,
} from './core/errors.ts'
export type {
  ChatMessage,
  EngineEvent,
  ExecutionResult,
  ExecutionStatus,
  RunError,
  StopReason,
  ToolCall,
  ToolResultMessage,
  Usage,
} from './core/execution-types.ts'
export type { GatewayBindings } from './core/gateway-bindings.ts'
export type { LogFunction, Logger } from './core/logger.ts'
// Backend ports: the interfaces a storage, queue, event bus or rate-limit store implements to be
// handed to a gateway as an instance (`new Gateway({ queue: { backend: myQueue } })`). Each has
// written semantics and a conformance suite in `agentgw/testing`.
export type { AgentOverride, AgentOverrideStore } from './core/ports/agent-override-store.ts'
export type { AuditEvent, AuditLog } from './core/ports/audit-log.ts'
export type { DashboardSessionRecord, DashboardSessionStore } from './core/ports/dashboard-session-store.ts'
export type {
  AttemptOutcome,
  DeliveryAttemptRecord,
  DeliveryChannel,
  DeliveryFilter,
  DeliveryLog,
  DeliveryRecord,
  DeliveryStatus,
} from './core/ports/delivery-log.ts'
export type { EventBus } from './core/ports/event-bus.ts'
export type {
  CancelOutcome,
  ExecutionFilter,
  ExecutionRecord,
  ExecutionStats,
  ExecutionStatsFilter,
  ExecutionStepRecord,
  ExecutionStore,
  FinishUpdate,
  StepType,
} from './core/ports/execution-store.ts'
export type { GatewayStorage } from './core/ports/gateway-storage.ts'
export type { IdempotencyRecord, IdempotencyStore } from './core/ports/idempotency-store.ts'
export type {
  DeadLetterHandler,
  JobHandler,
  JobHandlerContext,
  JobMessage,
  JobQueue,
  JobQueueConsumer,
  JobQueueRetryPolicy,
  ReceivedJob,
} from './core/ports/job-queue.ts'
export type { LeaseStore } from './core/ports/lease-store.ts'
export type { LoginFailureStore } from './core/ports/login-failure-store.ts'
export type { McpServerStore, StoredMcpServer } from './core/ports/mcp-server-store.ts'
export type { Memory, MemoryScope, MemoryStore } from './core/ports/memory-store.ts'
export type { PersonalConfig, PersonalConfigStore } from './core/ports/personal-config-store.ts'
export type { RateLimitCounter, RateLimitStore } from './core/ports/rate-limit-store.ts'
export type {
  ScheduleNotify,
  SchedulePatch,
  ScheduleRecord,
  ScheduleRunRecord,
  ScheduleSource,
  ScheduleStore,
} from './core/ports/schedule-store.ts'
export type { SecretStore } from './core/ports/secret-store.ts'
export type {
  NewTurn,
  SessionListFilter,
  SessionRecord,
  SessionStore,
  SessionSummary,
} from './core/ports/session-store.ts'
export type { Principal } from './core/principal.ts'
export type { Scope } from './core/scopes.ts'
export type { RequestOrigin } from './core/url/request-origin.ts'
export type { Diagnostic } from './core/workspace/model.ts'
export type { JsonSchema } from './core/workspace/tool-parameters.ts'
export type { GatewayApp } from './create-gateway-app.ts'
export type { DashboardOptions } from './dashboard/dashboard-options.ts'
export type { HookEvent, HookHandler, HookPayloads } from './engine/hooks.ts'
export type { RetrievedPassage, Retriever, RetrieverContext } from './engine/retrievers/retriever-types.ts'
export { Gateway } from './gateway.ts'
export type {
  ApiKeyOptions,
  CustomRouteOptions,
  GatewayOptions,
  ListeningGateway,
  ListenOptions,
  OAuth2Options,
  StreamOptions,
} from './gateway-options.ts'
export type { GatewayEnv, GatewayVariables } from './http/gateway-env.ts'
export type { RouteEntry, RouteIdentity, RouteTable, Surface } from './http/route-table.ts'
export { absoluteUrl, url } from './http/url.ts'
export type {
  ChatOptions,
  ChatOutcome,
  InvokeOptions,
  RunOptions,
  RunOutcome,
} from './services/agent-runner.ts'
export type { CustomAuthFunction, CustomPrincipal } from './services/auth/create-authenticator.ts'
export type {
  DoneFrameData,
  ErrorFrameData,
  RunUsage,
  SessionFrameData,
  StreamFrame,
  ToolCallFrameData,
  ToolResultFrameData,
} from './services/run-stream.ts'
export type { CodeToolOptions } from './tools/define-tool.ts'
export type { ToolContext, ToolHandler } from './tools/tool-types.ts'
