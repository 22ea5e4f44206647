import type { CallToolResult, Tool } from '@modelcontextprotocol/client'
import type { Logger } from '../../core/logger.ts'
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
      try {
        const client = await openMcpClient(settings, {
          connectionTimeoutMs: options.timeouts.connectionTimeoutMs,
          logger,
          ...(options.fetch ? { fetch: options.fetch } : {}),
          onToolsChanged: () => void relist(),
          onLost: (reason) => {
            if (open === client) lose(reason)
          },
        })
        if (closed) {
          await client.close()
          return
        }
        const tools = await listAllTools(client.client, options.timeouts.connectionTimeoutMs).catch(
          async (error: unknown) => {
            await client.close()
            throw error
          },
        )
        open = client
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
      if (!open) {
        if (retryTimer) clearTimeout(retryTimer)
        retryTimer = undefined
        await connect()
      }
      const current = open
      if (!current) throw unavailable()
      try {
        return (await current.client.callTool(
          { name: tool, arguments: args },
          { signal, timeout: options.timeouts.toolCallTimeoutMs },
        )) as CallToolResult
      } catch (error) {
        if (signal.aborted) throw error
        const message = options.redact(describeError(error))
        // A transport failure (process gone, connection refused) means the server is down.
        if (/fetch failed|ECONNREFUSED|ECONNRESET|closed|not connected|socket/i.test(message)) {
          if (open === current) lose(message)
          throw new Error(`MCP server "${settings.name}" is not reachable (${message}); try again later`)
        }
        throw new Error(`MCP server "${settings.name}": ${message}`)
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
