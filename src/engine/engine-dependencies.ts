import type { GatewayConfig } from '../core/config/schema.ts'
import type { Logger } from '../core/logger.ts'
import type { MemoryStore } from '../core/ports/memory-store.ts'
import type { WorkspaceDefinition } from '../core/workspace/model.ts'
import type { JsonSchemaValidator } from '../json-schema/create-json-schema-validator.ts'
import type { McpToolSource, ToolRegistry } from '../tools/tool-types.ts'
import type { PromptClock } from './create-prompt-clock.ts'
import type { Hooks } from './hooks.ts'
import type { ModelRegistry } from './models/model-registry.ts'
import type { Retriever } from './retrievers/retriever-types.ts'

/** What the engine needs from a started gateway. */
export interface EngineDependencies {
  config: GatewayConfig
  workspace: WorkspaceDefinition
  tools: ToolRegistry
  /** The tools of MCP servers, offered to agents that list the server in `mcp_servers`. */
  mcp?: McpToolSource
  models: ModelRegistry
  validator: JsonSchemaValidator
  hooks: Hooks
  logger: Logger
  clock: PromptClock
  /** Retrievers by name (`gw.useRetriever` and the built-in `context`). */
  retrievers?: ReadonlyMap<string, Retriever> | undefined
  /** Agent memories (`memory` on an agent), per user and agent. */
  memories?: MemoryStore | undefined
  /** Removes configured secrets from error text before it is shown, stored or logged. */
  redact: (text: string) => string
}
