import { Client, StreamableHTTPClientTransport, type Tool } from '@modelcontextprotocol/client'
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/client/stdio'
import type { Logger } from '../../core/logger.ts'
import { type BearerTokenSource, createClientCredentialsAuth } from './client-credentials-auth.ts'
import type { McpServerSettings } from './mcp-server-settings.ts'

export interface OpenMcpClientOptions {
  connectionTimeoutMs: number
  logger: Logger
  /** Called when the server announces that its tool list changed. */
  onToolsChanged?: () => void
  /** Called when the connection ends without `close()` being asked for (process exit, stream end). */
  onLost?: (reason: string) => void
  /** For tests: the fetch HTTP transports and the token endpoint use. */
  fetch?: typeof fetch
}

export interface OpenMcpClient {
  client: Client
  close(): Promise<void>
}

const clientInfo = { name: 'agentgw', version: '1' }

function staticHeaders(server: McpServerSettings): Record<string, string> {
  const headers: Record<string, string> = { ...server.headers }
  if (server.auth.type === 'bearer' && server.auth.token)
    headers.authorization = `Bearer ${server.auth.token}`
  if (server.auth.type === 'api_key' && server.auth.key) headers[server.auth.header] = server.auth.key
  return headers
}

function createTransport(server: McpServerSettings, options: OpenMcpClientOptions) {
  if (server.transport === 'stdio') {
    const transport = new StdioClientTransport({
      command: server.command ?? '',
      args: server.args,
      // Only the SDK's safe defaults (PATH, HOME, …) are inherited, never the gateway's secrets.
      env: { ...getDefaultEnvironment(), ...server.env },
      ...(server.cwd ? { cwd: server.cwd } : {}),
      stderr: 'pipe',
    })
    transport.stderr?.on('data', (chunk: Buffer) => {
      options.logger.debug({ stderr: chunk.toString('utf8').slice(0, 2000) }, 'MCP server stderr')
    })
    return transport
  }
  const tokens: BearerTokenSource | undefined =
    server.auth.type === 'oauth2_client_credentials'
      ? createClientCredentialsAuth(server.name, server.auth, {
          timeoutMs: options.connectionTimeoutMs,
          ...(options.fetch ? { fetch: options.fetch } : {}),
        })
      : undefined
  return new StreamableHTTPClientTransport(new URL(server.url ?? ''), {
    requestInit: { headers: staticHeaders(server) },
    ...(tokens ? { authProvider: tokens } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    // The gateway reconnects on its own schedule; the transport does not retry behind its back.
    reconnectionOptions: {
      maxReconnectionDelay: 1000,
      initialReconnectionDelay: 1000,
      reconnectionDelayGrowFactor: 1,
      maxRetries: 0,
    },
  })
}

/**
 * Connects to one MCP server: the transport its settings name, the initialize handshake within
 * `connectionTimeoutMs`, and a tools/list_changed listener. Rejects (and releases the transport)
 * when the server cannot be reached in time.
 */
export async function openMcpClient(
  server: McpServerSettings,
  options: OpenMcpClientOptions,
): Promise<OpenMcpClient> {
  let closing = false
  let connected = false
  const client = new Client(clientInfo, {
    listChanged: {
      tools: {
        onChanged: () => options.onToolsChanged?.(),
      },
    },
  })
  client.onclose = () => {
    // Before the handshake finished, a failure is reported by `connect()` rejecting instead.
    if (connected && !closing) options.onLost?.('the connection closed')
  }
  client.onerror = (error) => {
    options.logger.debug({ err: error.message }, 'MCP transport error')
  }
  const transport = createTransport(server, options)
  const close = async () => {
    closing = true
    await client.close().catch(() => undefined)
  }
  try {
    await client.connect(transport, { timeout: options.connectionTimeoutMs })
    connected = true
  } catch (error) {
    await close()
    throw error
  }
  return { client, close }
}

/** Every tool a server lists, following pagination. */
export async function listAllTools(client: Client, timeoutMs: number): Promise<Tool[]> {
  const tools: Tool[] = []
  let cursor: string | undefined
  do {
    const page = await client.listTools(cursor ? { cursor } : undefined, { timeout: timeoutMs })
    tools.push(...page.tools)
    cursor = page.nextCursor
  } while (cursor)
  return tools
}
