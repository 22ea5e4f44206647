import type { Tool } from '@modelcontextprotocol/client'
import type { Logger } from '../../core/logger.ts'
import type { JsonSchema } from '../../core/workspace/tool-parameters.ts'
import type { JsonSchemaValidator } from '../../json-schema/create-json-schema-validator.ts'
import type { McpToolSource, RegisteredTool } from '../../tools/tool-types.ts'
import {
  createMcpConnection,
  describeError,
  type McpConnection,
  type McpConnectionState,
} from './mcp-connection.ts'
import { type McpServerSettings, type McpTimeouts, mcpToolName, timeoutsOf } from './mcp-server-settings.ts'
import { listAllTools, openMcpClient } from './open-mcp-client.ts'
import { toToolOutput } from './to-tool-output.ts'

export interface McpServerStatus extends McpConnectionState {
  name: string
}

export interface McpTestResult {
  success: boolean
  tools: { name: string; description: string }[]
  error: string | undefined
}

/** The gateway's MCP client side: one connection per configured server, and their tools. */
export interface McpClients extends McpToolSource {
  /** Connects to these servers in the background (replacing any with the same name). */
  start(servers: readonly McpServerSettings[]): void
  /** Adds or replaces one server and connects to it in the background. */
  put(server: McpServerSettings): Promise<void>
  remove(name: string): Promise<void>
  status(name: string): McpServerStatus | undefined
  list(): McpServerStatus[]
  /** Reconnects a server and lists its tools again. */
  refresh(name: string): Promise<McpServerStatus | undefined>
  /** Connects to a server once (not kept), lists its tools and disconnects. */
  test(server: McpServerSettings): Promise<McpTestResult>
  close(): Promise<void>
}

export interface McpClientsOptions {
  defaults: McpTimeouts
  logger: Logger
  validator: JsonSchemaValidator
  redact: (text: string) => string
  backoff?: { minMs: number; maxMs: number }
  /** For tests: the fetch HTTP transports use. */
  fetch?: typeof fetch
}

/**
 * The input schema offered to the model and used to validate arguments: the server's schema
 * without `$schema` (servers often declare draft-07; the keywords tools use are the same in
 * 2020-12), or any object when the server's schema does not compile.
 */
function parametersOf(tool: Tool, validator: JsonSchemaValidator, logger: Logger): JsonSchema {
  const { $schema: _ignored, ...schema } = tool.inputSchema as Record<string, unknown>
  const problem = validator.check(schema as JsonSchema)
  if (problem === null) return schema as JsonSchema
  logger.warn(
    { tool: tool.name, problem },
    'MCP tool input schema does not compile; arguments are not validated',
  )
  return { type: 'object' }
}

export function createMcpClients(options: McpClientsOptions): McpClients {
  const connections = new Map<string, McpConnection>()
  // Tools as offered to the engine, rebuilt when a server's tool list changes.
  const offered = new Map<string, { tools: Tool[]; registered: RegisteredTool[] }>()

  const statusOf = (connection: McpConnection): McpServerStatus => ({
    name: connection.settings.name,
    ...connection.state(),
  })

  const registeredTools = (connection: McpConnection): RegisteredTool[] => {
    const { settings } = connection
    const tools = connection.state().tools
    const cached = offered.get(settings.name)
    if (cached && cached.tools.length === tools.length && cached.tools.every((tool, i) => tool === tools[i]))
      return cached.registered
    const timeouts = timeoutsOf(settings, options.defaults)
    const registered = tools.map(
      (tool): RegisteredTool => ({
        name: mcpToolName(settings.name, tool.name),
        description: tool.description ?? tool.title ?? tool.name,
        parameters: parametersOf(tool, options.validator, options.logger),
        source: 'mcp',
        allowedAgents: null,
        requireApproval: false,
        // A server may say a tool is idempotent; otherwise a call cut by a crash is not repeated.
        idempotent: tool.annotations?.idempotentHint === true,
        onInterrupted: 'tell_model',
        // The MCP request carries its own timeout; this one bounds the whole call, reconnect included.
        timeoutMs: timeouts.toolCallTimeoutMs + timeouts.connectionTimeoutMs,
        instructions: '',
        file: undefined,
        handler: async (args, context) =>
          toToolOutput(await connection.callTool(tool.name, args, context.signal)),
      }),
    )
    offered.set(settings.name, { tools, registered })
    return registered
  }

  const connectionFor = (server: McpServerSettings) =>
    createMcpConnection(server, {
      timeouts: timeoutsOf(server, options.defaults),
      logger: options.logger,
      redact: options.redact,
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    })

  const put = async (server: McpServerSettings) => {
    const previous = connections.get(server.name)
    const connection = connectionFor(server)
    connections.set(server.name, connection)
    offered.delete(server.name)
    connection.start()
    await previous?.close()
  }

  return {
    toolsFor(servers) {
      const tools: RegisteredTool[] = []
      for (const name of new Set(servers)) {
        const connection = connections.get(name)
        if (connection?.settings.enabled) tools.push(...registeredTools(connection))
      }
      return tools
    },
    async ready(servers) {
      await Promise.all(
        [...new Set(servers)].map((name) => connections.get(name)?.firstAttempt() ?? Promise.resolve()),
      )
    },
    start(servers) {
      for (const server of servers) void put(server)
    },
    put,
    async remove(name) {
      const connection = connections.get(name)
      connections.delete(name)
      offered.delete(name)
      await connection?.close()
    },
    status(name) {
      const connection = connections.get(name)
      return connection ? statusOf(connection) : undefined
    },
    list() {
      return [...connections.values()].map(statusOf).sort((a, b) => a.name.localeCompare(b.name))
    },
    async refresh(name) {
      const connection = connections.get(name)
      if (!connection) return undefined
      await connection.refresh()
      return statusOf(connection)
    },
    async test(server) {
      const timeouts = timeoutsOf(server, options.defaults)
      try {
        const open = await openMcpClient(server, {
          connectionTimeoutMs: timeouts.connectionTimeoutMs,
          logger: options.logger.child({ mcp_server: server.name }),
          ...(options.fetch ? { fetch: options.fetch } : {}),
        })
        try {
          const tools = await listAllTools(open.client, timeouts.connectionTimeoutMs)
          return {
            success: true,
            tools: tools.map((tool) => ({ name: tool.name, description: tool.description ?? '' })),
            error: undefined,
          }
        } finally {
          await open.close()
        }
      } catch (error) {
        return { success: false, tools: [], error: options.redact(describeError(error)) }
      }
    },
    async close() {
      const all = [...connections.values()]
      connections.clear()
      offered.clear()
      await Promise.all(all.map((connection) => connection.close()))
    },
  }
}
