import type { CallToolResult, Tool } from '@modelcontextprotocol/client'
import type { Logger } from '../../core/logger.ts'
import { SpanKind, withSpan } from '../telemetry/spans.ts'
import type { McpServerSettings, McpTimeouts } from './mcp-server-settings.ts'
import { listAllTools, type OpenMcpClient, openMcpClient } from './open-mcp-client.ts'

export type McpConnectionStatus = 'connecting' | 'connected' | 'disconnected' | 'disabled'

export interface McpConnectionState {
  status: McpConnectionStatus
  /** Why the last attempt failed or the connection was lost; never holds a credential. */
  error: string | undefined
  /** The tools the server listed last (kept while it is down). */
  tools: Tool[]
  connectedAt: Date | undefined
}

export interface McpConnectionOptions {
  timeouts: McpTimeouts
  logger: Logger
  redact: (text: string) => string
  /** Backoff between reconnect attempts: doubles from `min` up to `max`. */
  backoff?: { minMs: number; maxMs: number }
  fetch?: typeof fetch
  /** Called whenever the state changes (tools listed, connection lost). */
  onChange?: () => void
}

/** One MCP server's connection, kept up by the gateway. */
export interface McpConnection {
  readonly settings: McpServerSettings
  state(): McpConnectionState
  /** Starts connecting in the background; never waits for the server. */
  start(): void
  /** Settles when the first connection attempt has ended (whatever its outcome). */
  firstAttempt(): Promise<void>
  /** Drops the connection and connects again, resolving when the attempt ended. */
  refresh(): Promise<McpConnectionState>
  /**
   * Calls a tool by its name on the server. While the server is down, one immediate reconnect is
   * tried; if that fails the call rejects with an error naming the server.
   */
  callTool(tool: string, args: Record<string, unknown>, signal: AbortSignal): Promise<CallToolResult>
  close(): Promise<void>
}

/** The call did not reach a live server session; safe to retry once on a new connection. */
class ConnectionLost extends Error {}

/** Transport failures: the process is gone, the server refused or reset, or forgot the session. */
function isConnectionFailure(message: string): boolean {
  return /fetch failed|ECONNREFUSED|ECONNRESET|EPIPE|closed|not connected|socket|session not found|\b404\b/i.test(
    message,
  )
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name
  return String(error)
}

export function createMcpConnection(
  settings: McpServerSettings,
  options: McpConnectionOptions,
): McpConnection {
  const logger = options.logger.child({ mcp_server: settings.name })
  const backoff = options.backoff ?? { minMs: 1000, maxMs: 30_000 }
  let open: OpenMcpClient | undefined
  let attempt: Promise<void> | undefined
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  let failures = 0
  let closed = false
  const state: McpConnectionState = {
    status: settings.enabled ? 'disconnected' : 'disabled',
    error: undefined,
    tools: [],
    connectedAt: undefined,
  }
  const changed = () => options.onChange?.()
  let first: Promise<void> = Promise.resolve()

  const scheduleRetry = () => {
    if (closed || retryTimer) return
    const delay = Math.min(backoff.maxMs, backoff.minMs * 2 ** Math.min(failures - 1, 16))
    retryTimer = setTimeout(() => {
      retryTimer = undefined
      void connect()
    }, delay)
    retryTimer.unref?.()
  }

  const lose = (reason: string) => {
    if (closed) return
    const previous = open
    open = undefined
    void previous?.close()
    state.status = 'disconnected'
    state.error = options.redact(reason)
    state.connectedAt = undefined
    failures = Math.max(failures, 1)
    logger.warn({ reason: state.error }, 'MCP server connection lost; reconnecting')
    changed()
    scheduleRetry()
  }

  const relist = async () => {
    if (!open) return
    try {
      state.tools = await listAllTools(open.client, options.timeouts.connectionTimeoutMs)
      changed()
    } catch (error) {
      logger.warn({ err: options.redact(describeError(error)) }, 'MCP tools/list failed')
    }
  }

  const connect = (): Promise<void> => {
    if (closed || !settings.enabled) return Promise.resolve()
    attempt ??= (async () => {
      state.status = 'connecting'
      let client: OpenMcpClient | undefined
      try {
        client = await openMcpClient(settings, {
          connectionTimeoutMs: options.timeouts.connectionTimeoutMs,
          logger,
          ...(options.fetch ? { fetch: options.fetch } : {}),
          onToolsChanged: () => void relist(),
          onLost: (reason) => {
            if (client && open === client) lose(reason)
          },
        })
        const opened = client
        if (closed) {
          await opened.close()
          return
        }
        const tools = await listAllTools(opened.client, options.timeouts.connectionTimeoutMs).catch(
          async (error: unknown) => {
            await opened.close()
            throw error
          },
        )
        open = opened
        state.tools = tools
        state.status = 'connected'
        state.error = undefined
        state.connectedAt = new Date()
        failures = 0
        logger.info({ tools: tools.length }, 'MCP server connected')
      } catch (error) {
        failures++
        state.status = 'disconnected'
        state.error = options.redact(describeError(error))
        logger.warn({ err: state.error, attempt: failures }, 'MCP server unreachable; will retry')
        scheduleRetry()
      } finally {
        changed()
      }
    })().finally(() => {
      attempt = undefined
    })
    return attempt
  }

  const unavailable = () =>
    new Error(
      `MCP server "${settings.name}" is not connected${state.error ? ` (${state.error})` : ''}; try again later`,
    )

  return {
    settings,
    state: () => ({ ...state, tools: [...state.tools] }),
    start() {
      first = connect()
    },
    firstAttempt: () => first,
    async refresh() {
      if (retryTimer) clearTimeout(retryTimer)
      retryTimer = undefined
      await attempt
      const previous = open
      open = undefined
      await previous?.close()
      failures = 0
      await connect()
      return { ...state, tools: [...state.tools] }
    },
    async callTool(tool, args, signal) {
      if (!settings.enabled) throw new Error(`MCP server "${settings.name}" is disabled`)
      const call = async (): Promise<CallToolResult> => {
        if (!open) {
          if (retryTimer) clearTimeout(retryTimer)
          retryTimer = undefined
          await connect()
        }
        const current = open
        if (!current) throw new ConnectionLost(unavailable().message)
        try {
          return await withSpan(
            `tools/call ${tool}`,
            {
              kind: SpanKind.CLIENT,
              attributes: {
                'mcp.method.name': 'tools/call',
                'mcp.server.name': settings.name,
                'gen_ai.tool.name': tool,
              },
            },
            async () =>
              (await current.client.callTool(
                { name: tool, arguments: args },
                { signal, timeout: options.timeouts.toolCallTimeoutMs },
              )) as CallToolResult,
          )
        } catch (error) {
          if (signal.aborted) throw error
          const message = options.redact(describeError(error))
          if (!isConnectionFailure(message)) throw new Error(`MCP server "${settings.name}": ${message}`)
          if (open === current) lose(message)
          throw new ConnectionLost(
            `MCP server "${settings.name}" is not reachable (${message}); try again later`,
          )
        }
      }
      const hadConnection = open !== undefined
      try {
        return await call()
      } catch (error) {
        // A live connection failed (server restarted, process gone): the request never reached a
        // session, so retry once on a fresh connection, which fails fast when the server is down.
        if (!(error instanceof ConnectionLost) || !hadConnection || signal.aborted) throw error
        return call()
      }
    },
    async close() {
      closed = true
      if (retryTimer) clearTimeout(retryTimer)
      retryTimer = undefined
      await attempt?.catch(() => undefined)
      const previous = open
      open = undefined
      await previous?.close()
    },
  }
}
