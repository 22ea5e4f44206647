import type { Logger } from '../core/logger.ts'
import type { Principal } from '../core/principal.ts'
import type { InterruptedToolPolicy } from '../core/workspace/model.ts'
import type { JsonSchema } from '../core/workspace/tool-parameters.ts'

/**
 * What a tool handler receives besides its arguments. It is injected by the gateway and never
 * part of the schema the model sees.
 */
export interface ToolContext {
  agentId: string
  executionId: string
  sessionId: string | undefined
  /** The tool call's id, as issued by the model. */
  callId: string
  logger: Logger
  /** Aborted when the run is cancelled or times out; pass it to fetch and other I/O. */
  signal: AbortSignal
  /** The `context` section of gateway.yaml. */
  config: Readonly<Record<string, unknown>>
  /** Who started the run, when known. */
  principal: Principal | undefined
  /**
   * The user's setup of a personal agent (`scope: personal`), sensitive values decrypted;
   * `undefined` for other agents. It reaches tools only, never the model or the trace.
   */
  userConfig: Readonly<Record<string, unknown>> | undefined
  /**
   * Attaches text the handler printed to the tool step of the execution trace (Python handlers'
   * stdout and stderr arrive this way). Never shown to the model.
   */
  captureOutput(stream: 'stdout' | 'stderr', text: string): void
}

/** Returns a JSON-serializable result (or a string); throwing reports the error to the model. */
export type ToolHandler = (args: Record<string, unknown>, context: ToolContext) => unknown

export type ToolSource = 'code' | 'file' | 'mcp'

/** A tool ready to be offered to agents. */
export interface RegisteredTool {
  name: string
  description: string
  /** JSON Schema of the arguments object, as the model sees it. */
  parameters: JsonSchema
  source: ToolSource
  /** Agents allowed to call it; `null` means any agent whose skills list it. */
  allowedAgents: readonly string[] | null
  requireApproval: boolean
  timeoutMs: number | undefined
  /**
   * Calling it again with the same arguments does no more than calling it once, so a retried
   * run may simply run a call its crashed attempt left unfinished.
   */
  idempotent: boolean
  /** What a retried run does with an unfinished call of this tool when it is not idempotent. */
  onInterrupted: InterruptedToolPolicy
  /** Extra guidance for the model (TOOL.md body). */
  instructions: string
  handler: ToolHandler
  /** Where it was defined (TOOL.md, relative to the workspace), for file tools. */
  file: string | undefined
}

/** The tools of one gateway, by name. */
export interface ToolRegistry {
  get(name: string): RegisteredTool | undefined
  list(): RegisteredTool[]
  /** Stops what the tools hold (Python workers). */
  close(): Promise<void>
}

/**
 * Tools that come and go while the gateway runs — those of MCP servers. Asked for every run, so
 * a run sees the tools as they are when it starts.
 */
export interface McpToolSource {
  /**
   * The tools of the named servers, namespaced `{server}__{tool}`. A server that is down still
   * offers the tools it listed last; calling one fails with an error that names the server.
   * Unknown or disabled servers offer nothing.
   */
  toolsFor(servers: readonly string[]): RegisteredTool[]
  /**
   * Resolves once none of the named servers is in its first connection attempt since start-up
   * (or since it was added or changed), so the first run after start-up sees their tools. Never
   * waits for a server that is down and retrying, and never rejects.
   */
  ready(servers: readonly string[]): Promise<void>
}
