import { type CallToolResult, McpServer, type ServerContext } from '@modelcontextprotocol/server'
import type { Viewer } from '../../core/authorization.ts'
import { toGatewayError } from '../../core/errors.ts'
import type { EngineEvent } from '../../core/execution-types.ts'
import { hasScopes, type Principal } from '../../core/principal.ts'
import type { AgentDefinition } from '../../core/workspace/model.ts'
import type { JsonSchemaValidator } from '../../json-schema/create-json-schema-validator.ts'
import type { AgentRunner } from '../agent-runner.ts'
import type { AgentCatalog } from '../agents/create-agent-catalog.ts'
import { agentArgumentsSchema, agentResultSchema, toStandardSchema } from './agent-tool-schemas.ts'
import type { McpCallRegistry } from './mcp-call-registry.ts'

/** Where the execution id of a call travels in the tool result (`_meta`). */
export const executionIdMetaKey = 'agentgw/execution_id'

export interface CreateAgentMcpServerOptions {
  agents: AgentCatalog
  runner: AgentRunner
  validator: JsonSchemaValidator
  /** Who calls: runs are recorded as theirs, and only their own sessions and executions show. */
  viewer: Viewer
  /** The caller's principal, for the `agents:invoke` check on calls; `undefined` = the host itself. */
  principal: Principal | undefined
  /** Cancels every run of this server (an HTTP request that went away); stdio has none. */
  signal?: AbortSignal | undefined
  /**
   * Where calls register so a cancellation sent as a separate request finds them (stateless
   * HTTP); with it, `callKey` names a call. Over stdio the SDK cancels through the request's signal.
   */
  calls?: { registry: McpCallRegistry; callKey: (requestId: string | number) => string } | undefined
  /** `serverInfo` of the MCP handshake. */
  serverInfo: { name: string; version: string }
}

/** The text of a run's answer: structured output as JSON text. */
function answerText(output: unknown): string {
  return typeof output === 'string' ? output : JSON.stringify(output)
}

/** A progress message for an engine event, or `undefined` for events that are not progress. */
function progressMessage(event: EngineEvent): string | undefined {
  switch (event.type) {
    case 'tool_call':
      return `calling tool ${event.name}`
    case 'tool_result':
      return `tool ${event.name} ${event.isError ? 'failed' : 'finished'}`
    case 'token':
      return undefined
    default:
      return undefined
  }
}

/** How many streamed tokens make one progress notification. */
const tokensPerProgress = 16

/**
 * Sends `notifications/progress` for the call while the run streams (when the client asked for
 * progress with a `progressToken`): on start, on every tool call and result, and every few
 * tokens. Failing to notify never fails the run.
 */
function progressReporter(context: ServerContext): {
  start(executionId: string): void
  event(event: EngineEvent): void
} {
  const token = context.mcpReq._meta?.progressToken
  let progress = 0
  let tokens = 0
  const notify = (message: string) => {
    if (token === undefined) return
    progress++
    context.mcpReq
      .notify({ method: 'notifications/progress', params: { progressToken: token, progress, message } })
      .catch(() => undefined)
  }
  return {
    start: (executionId) => notify(`execution ${executionId} started`),
    event(event) {
      if (event.type === 'token') {
        tokens++
        if (tokens % tokensPerProgress === 0) notify(`${tokens} tokens`)
        return
      }
      const message = progressMessage(event)
      if (message) notify(message)
    },
  }
}

function toolError(text: string, executionId?: string): CallToolResult {
  return {
    content: [{ type: 'text', text }],
    isError: true,
    ...(executionId ? { _meta: { [executionIdMetaKey]: executionId } } : {}),
  }
}

/** The message an agent with an `input_schema` answers: `message` when its arguments have one. */
function messageOf(agent: AgentDefinition, args: Record<string, unknown>): string {
  if (typeof args.message === 'string' && args.message.trim()) return args.message
  return agent.inputSchema ? 'Process the input.' : ''
}

async function callAgent(
  options: CreateAgentMcpServerOptions,
  agent: AgentDefinition,
  args: Record<string, unknown>,
  context: ServerContext,
): Promise<CallToolResult> {
  if (options.principal && !hasScopes(options.principal, ['agents:invoke'])) {
    return toolError('Calling an agent needs the scope agents:invoke.')
  }
  const input = agent.inputSchema ? args : {}
  const progress = progressReporter(context)
  let executionId: string | undefined
  const tracked = options.calls?.registry.track(options.calls.callKey(context.mcpReq.id))
  const signals = [context.mcpReq.signal, options.signal, tracked?.signal].filter(
    (signal): signal is AbortSignal => signal !== undefined,
  )
  try {
    const outcome = await options.runner.invoke(agent.id, messageOf(agent, args), {
      input,
      viewer: options.viewer,
      // The client's cancellation (or a closed HTTP request) cancels the execution.
      signal: AbortSignal.any(signals),
      onStart: (ids) => {
        executionId = ids.executionId
        progress.start(ids.executionId)
      },
      onEvent: (event) => progress.event(event),
    })
    const meta = { [executionIdMetaKey]: outcome.executionId }
    const { result } = outcome
    if (outcome.status !== 'completed') {
      const reason = result.error?.message ?? `The run ended with status ${outcome.status}.`
      return toolError(`${reason} (execution ${outcome.executionId})`, outcome.executionId)
    }
    const structured =
      agentResultSchema(agent) && result.validationErrors === null && typeof result.output === 'object'
        ? (result.output as Record<string, unknown>)
        : undefined
    return {
      content: [{ type: 'text', text: answerText(result.output ?? result.rawText) }],
      ...(structured ? { structuredContent: structured } : {}),
      _meta: meta,
    }
  } catch (error) {
    // Request problems (a disabled agent, invalid input) are the caller's to see; never internals.
    return toolError(toGatewayError(error).message, executionId)
  } finally {
    tracked?.done()
  }
}

/**
 * Builds an MCP server whose tools are the enabled agents: a tool per agent, named by its id,
 * taking the agent's `input_schema` (or `{message}`) as arguments and advertising its
 * `output_schema` (when it is an object schema) as the tool's output schema. Every call is an
 * execution of the caller. One server serves one request (HTTP) or one connection (stdio); the
 * agent list is read when it is built, so every instance answers alike.
 */
export async function createAgentMcpServer(options: CreateAgentMcpServerOptions): Promise<McpServer> {
  const server = new McpServer(options.serverInfo, {
    instructions: 'Each tool runs one agent of this agentgw gateway and returns its answer.',
  })
  for (const agent of await options.agents.list()) {
    if (!agent.enabled) continue
    const resultSchema = agentResultSchema(agent)
    server.registerTool(
      agent.id,
      {
        title: agent.displayName ?? agent.id,
        description: agent.description || `Agent: ${agent.id}`,
        inputSchema: toStandardSchema(agentArgumentsSchema(agent), options.validator),
        ...(resultSchema ? { outputSchema: toStandardSchema(resultSchema, options.validator) } : {}),
      },
      (args: unknown, context: ServerContext) =>
        callAgent(options, agent, (args ?? {}) as Record<string, unknown>, context),
    )
  }
  return server
}
