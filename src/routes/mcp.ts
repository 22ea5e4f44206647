import { randomUUID } from 'node:crypto'
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import { createMcpHandler, type McpHttpHandler } from '@modelcontextprotocol/server'
import type { Context } from 'hono'
import type { Viewer } from '../core/authorization.ts'
import { GatewayError } from '../core/errors.ts'
import type { Principal } from '../core/principal.ts'
import { defineRoute } from '../http/define-route.ts'
import type { GatewayEnv } from '../http/gateway-env.ts'
import { errors } from '../http/openapi-schemas.ts'
import { version } from '../http/package-info.ts'
import type { GatewayRuntime } from '../services/gateway-runtime.ts'
import { createAgentMcpServer } from '../services/mcp-server/create-agent-mcp-server.ts'
import {
  createMcpCallRegistry,
  type McpCallRegistry,
  mcpCallKey,
  mcpCancelChannel,
} from '../services/mcp-server/mcp-call-registry.ts'

const mcpRoute = defineRoute(
  { id: 'mcp.serve', surface: 'api', scopes: ['agents:read'], errorFormat: 'jsonrpc' },
  createRoute({
    operationId: 'serveMcp',
    method: 'post',
    path: '/mcp',
    tags: ['MCP'],
    summary: 'The MCP server: every enabled agent as a tool',
    description:
      'Model Context Protocol over the streamable HTTP transport, stateless: any instance answers any request. Listing tools needs `agents:read`; calling one (running the agent) also needs `agents:invoke`. See docs/mcp.md.',
    request: {
      body: {
        required: true,
        content: {
          'application/json': { schema: z.record(z.string(), z.unknown()).openapi('JsonRpcMessage') },
        },
      },
    },
    responses: {
      200: {
        description: 'A JSON-RPC response, or an event stream with progress notifications and the response',
        content: {
          'application/json': { schema: z.record(z.string(), z.unknown()) },
          'text/event-stream': { schema: z.string() },
        },
      },
      202: { description: 'A notification or response was accepted' },
      ...errors(401, 403, 413),
    },
  }),
)

/** The header of the streamable HTTP transport that names the MCP session. */
const sessionHeader = 'mcp-session-id'

/** What the route hands the MCP handler about the caller (through the SDK's `authInfo.extra`). */
interface McpCaller {
  viewer: Viewer
  principal: Principal | undefined
  /** Aborted when the HTTP request goes away: its runs are cancelled. */
  signal: AbortSignal
  /** The caller's session correlation id ('' for clients that send none). */
  sessionId: string
}

interface McpEndpoint {
  handler: McpHttpHandler
  calls: McpCallRegistry
  /** Resolves once this instance listens for cancellations on the event bus. */
  listening: Promise<unknown>
}

function principalKey(caller: Pick<McpCaller, 'principal'>): string {
  return caller.principal?.id ?? 'anonymous'
}

function createEndpoint(runtime: GatewayRuntime): McpEndpoint {
  const calls = createMcpCallRegistry()
  const handler = createMcpHandler(
    async (context) => {
      const caller = context.authInfo?.extra?.agentgw as McpCaller
      return createAgentMcpServer({
        agents: runtime.agents,
        runner: runtime.runner,
        validator: runtime.validator,
        viewer: caller.viewer,
        principal: caller.principal,
        signal: caller.signal,
        calls: {
          registry: calls,
          callKey: (requestId) => mcpCallKey(principalKey(caller), caller.sessionId, requestId),
        },
        serverInfo: { name: 'agentgw', version },
      })
    },
    {
      keepAliveMs: runtime.config.server.sseKeepaliveSeconds * 1000,
      maxRequestBodySize: runtime.config.server.maxBodyBytes,
      onerror: (error) => runtime.logger.debug({ err: error }, 'MCP request refused'),
    },
  )
  const listening = runtime.bus.subscribe(mcpCancelChannel, (message) => {
    if (typeof message.key === 'string') calls.cancel(message.key)
  })
  return { handler, calls, listening }
}

/** Host names a local server answers browsers on when no public origin is configured. */
const loopbackNames = new Set(['localhost', '127.0.0.1', '[::1]'])

/**
 * DNS-rebinding protection: a browser page (it sends `Origin`) reaches the MCP endpoint only
 * from an origin the gateway knows — listed in `cors.allow_origins`, or the gateway's own trusted
 * origin (`server.public_url`, `server.allowed_hosts`, a trusted proxy) — or, when none is
 * configured, from a loopback name addressed as such. A page on `evil.example` whose DNS now
 * points at this machine is refused. Clients that are not browsers send no `Origin` and pass.
 */
function browserOriginRefused(c: Context<GatewayEnv>): GatewayError | undefined {
  const origin = c.req.header('origin')
  if (origin === undefined) return undefined
  const cors = c.get('runtime').config.cors
  if (cors.enabled && (cors.allowOrigins.includes('*') || cors.allowOrigins.includes(origin)))
    return undefined
  const { trustedOrigin, publicOrigin } = c.get('origin')
  let allowed: boolean
  if (trustedOrigin) allowed = origin === trustedOrigin
  else {
    let host = ''
    try {
      host = new URL(origin).hostname
    } catch {
      // not an origin: refused below
    }
    allowed = origin === publicOrigin && loopbackNames.has(host)
  }
  if (allowed) return undefined
  return new GatewayError('forbidden', {
    message: `Browser requests from ${origin} may not use the MCP endpoint; list the origin in cors.allow_origins.`,
  })
}

/** The request id a `notifications/cancelled` names, when the message is one. */
function cancelledRequestId(message: unknown): string | number | undefined {
  const { method, params } = message as { method?: unknown; params?: { requestId?: unknown } }
  if (method !== 'notifications/cancelled') return undefined
  const id = params?.requestId
  return typeof id === 'string' || typeof id === 'number' ? id : undefined
}

/**
 * `POST {prefix}/mcp`: the agents as an MCP server. The gateway's middleware has already
 * authenticated the caller by the route's identity (fail-closed, like every route) and read the
 * body through the input gate; the SDK's stateless handler answers from the parsed body with a
 * fresh server per request, so no MCP session lives in one process.
 *
 * Stateless serving has one gap the route closes: a 2025-era client cancels a call with a
 * separate `notifications/cancelled` request, which may reach another instance than the run.
 * `initialize` answers carry a random `Mcp-Session-Id` (a correlation id — nothing is stored
 * under it), and a cancellation is published on the event bus under (caller, session, request
 * id), so whichever instance runs the call aborts it.
 */
export function registerMcpRoutes(app: OpenAPIHono<GatewayEnv>): void {
  const endpoints = new WeakMap<GatewayRuntime, McpEndpoint>()
  app.openapi(mcpRoute, async (c) => {
    const runtime = c.get('runtime')
    const refused = browserOriginRefused(c)
    if (refused) throw refused
    let endpoint = endpoints.get(runtime)
    if (!endpoint) {
      endpoint = createEndpoint(runtime)
      endpoints.set(runtime, endpoint)
    }
    await endpoint.listening
    const principal = c.get('principal')
    const message: unknown = c.req.valid('json')
    const caller: McpCaller = {
      viewer: c.get('viewer'),
      principal,
      signal: c.req.raw.signal,
      sessionId: c.req.header(sessionHeader) ?? '',
    }
    const cancelled = cancelledRequestId(message)
    if (cancelled !== undefined) {
      await runtime.bus.publish(mcpCancelChannel, {
        key: mcpCallKey(principalKey(caller), caller.sessionId, cancelled),
      })
    }
    // `c.req.raw` carries the headers, the method and the abort signal of a client that goes away.
    const response = await endpoint.handler.fetch(c.req.raw, {
      parsedBody: message,
      authInfo: {
        token: '',
        clientId: principalKey(caller),
        scopes: [...(principal?.scopes ?? [])],
        extra: { agentgw: caller },
      },
    })
    if (
      (message as { method?: unknown }).method === 'initialize' &&
      response.ok &&
      !response.headers.has(sessionHeader)
    ) {
      const headers = new Headers(response.headers)
      headers.set(sessionHeader, `mcp_${randomUUID().replaceAll('-', '')}`)
      return new Response(response.body, { status: response.status, headers })
    }
    return response
  })
}
