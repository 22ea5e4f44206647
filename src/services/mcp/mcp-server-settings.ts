import type { GatewayConfig } from '../../core/config/schema.ts'

/** One MCP server as the gateway connects to it (from gateway.yaml or the database). */
export type McpServerSettings = GatewayConfig['mcp']['servers'][number]

/** How a tool call or connection is bounded, from `mcp` settings and the server's overrides. */
export interface McpTimeouts {
  connectionTimeoutMs: number
  toolCallTimeoutMs: number
}

export function timeoutsOf(server: McpServerSettings, defaults: McpTimeouts): McpTimeouts {
  return {
    connectionTimeoutMs: server.connectionTimeoutMs ?? defaults.connectionTimeoutMs,
    toolCallTimeoutMs: server.toolCallTimeoutMs ?? defaults.toolCallTimeoutMs,
  }
}

/** The namespaced name an MCP tool is offered under. */
export function mcpToolName(server: string, tool: string): string {
  return `${server}__${tool}`
}
