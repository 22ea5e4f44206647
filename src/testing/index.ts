/**
 * agentgw/testing — the public test kit: a fake OpenAI server and scripted models for engine
 * tests, and a host × prefix matrix to run your gateway on every host framework over real
 * sockets. Nothing here runs on import.
 */

export {
  defineEventBusConformance,
  type EventBusConformanceContext,
  type EventBusConformanceOptions,
  type EventBusFixture,
} from './event-bus-conformance.ts'
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
export type { ChatCompletionMessage, ChatCompletionRequestBody } from './openai-chat-wire.ts'
export {
  defineJobQueueConformance,
  type JobQueueConformanceContext,
  type JobQueueConformanceOptions,
  type JobQueueFixture,
} from './queue-conformance.ts'
export { createScriptedModel, type ScriptedModel, type ScriptedStep } from './scripted-model.ts'
export { defineStorageConformance, type StorageUnderTest } from './storage-conformance.ts'
