/**
 * agentgw/testing — the public test kit: a fake OpenAI server and scripted models for engine
 * tests, a host × prefix matrix to run your gateway on every host framework over real sockets,
 * and one conformance suite per backend port. Nothing here runs on import, and nothing here
 * needs a test framework: the suites take your runner's `describe`, `it` and hooks as an
 * argument and assert with `node:assert`.
 */

export { defineAgentOverrideStoreConformance } from './agent-override-store-conformance.ts'
export { type AuditLogFixture, defineAuditLogConformance } from './audit-log-conformance.ts'
export { defineDashboardSessionStoreConformance } from './dashboard-session-store-conformance.ts'
export { defineDeliveryLogConformance } from './delivery-log-conformance.ts'
export {
  defineEventBusConformance,
  type EventBusConformanceContext,
  type EventBusConformanceOptions,
  type EventBusFixture,
} from './event-bus-conformance.ts'
export { defineExecutionStoreConformance } from './execution-store-conformance.ts'
export type {
  FakeErrorResponse,
  FakeHangResponse,
  FakeRequest,
  FakeResponder,
  FakeResponse,
  FakeResponseSpec,
  FakeTextResponse,
  FakeToolCall,
  FakeToolCallsResponse,
} from './fake-openai-replies.ts'
export {
  createFakeOpenAIServer,
  type FakeOpenAIServer,
  type FakeOpenAIServerOptions,
} from './fake-openai-server.ts'
export {
  type HostCell,
  type HostKind,
  hostKinds,
  hostMatrix,
  hostRoutes,
  matrixPrefixes,
  type RunningHost,
  type StartHostOptions,
  startHost,
} from './host-matrix.ts'
export { defineIdempotencyStoreConformance } from './idempotency-store-conformance.ts'
export { defineLeaseStoreConformance } from './lease-store-conformance.ts'
export { defineLoginFailureStoreConformance } from './login-failure-store-conformance.ts'
export { defineMcpServerStoreConformance } from './mcp-server-store-conformance.ts'
export { defineMemoryStoreConformance } from './memory-store-conformance.ts'
export type { ChatCompletionMessage, ChatCompletionRequestBody } from './openai-chat-wire.ts'
export { definePersonalConfigStoreConformance } from './personal-config-store-conformance.ts'
export {
  defineJobQueueConformance,
  type JobQueueConformanceContext,
  type JobQueueConformanceOptions,
  type JobQueueFixture,
} from './queue-conformance.ts'
export { defineRateLimitStoreConformance } from './rate-limit-store-conformance.ts'
export { defineScheduleStoreConformance } from './schedule-store-conformance.ts'
export { createScriptedModel, type ScriptedModel, type ScriptedStep } from './scripted-model.ts'
export { defineSecretStoreConformance } from './secret-store-conformance.ts'
export { defineSessionStoreConformance } from './session-store-conformance.ts'
export { defineStorageConformance, type StorageFixture } from './storage-conformance.ts'
export type { StoreFixture, StoreSuiteOptions } from './store-suite.ts'
export type { TestFunctions } from './test-functions.ts'
