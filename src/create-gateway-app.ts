import { OpenAPIHono } from '@hono/zod-openapi'
import { getPath } from 'hono/utils/url'
import { GatewayError, toGatewayError } from './core/errors.ts'
import type { GatewayBindings } from './core/gateway-bindings.ts'
import { stripMountPath } from './core/url/path-prefix.ts'
import { registerDashboardRoutes } from './dashboard/register-dashboard-routes.ts'
import { collectRouteIdentities } from './http/define-route.ts'
import { errorResponse, zodDetails } from './http/error-response.ts'
import type { GatewayEnv } from './http/gateway-env.ts'
import { refuseUnsupportedMethod, unmatchedMethodResponse } from './http/method-not-allowed.ts'
import { authenticate } from './http/middleware/authenticate.ts'
import { checkInput } from './http/middleware/check-input.ts'
import { corsForConfig } from './http/middleware/cors.ts'
import { limitBody } from './http/middleware/limit-body.ts'
import { refuseWhileDraining } from './http/middleware/refuse-while-draining.ts'
import { requestId } from './http/middleware/request-id.ts'
import { requestOrigin } from './http/middleware/request-origin.ts'
import { resolveRuntime } from './http/middleware/resolve-runtime.ts'
import { routeIdentity } from './http/middleware/route-identity.ts'
import { securityHeaders } from './http/middleware/security-headers.ts'
import { traceRequest } from './http/middleware/trace-request.ts'
import type { RouteTable } from './http/route-table.ts'
import { sseErrorResponse, wantsEventStream } from './http/stream-run-response.ts'
import { registerAgentRoutes } from './routes/agents.ts'
import { registerApprovalRoutes } from './routes/approvals.ts'
import { registerChatRoutes } from './routes/chat.ts'
import { registerDocsRoutes } from './routes/docs.ts'
import { registerExecutionEventRoutes } from './routes/execution-events.ts'
import { registerExecutionRoutes } from './routes/executions.ts'
import { registerHealthRoutes } from './routes/health.ts'
import { registerInvokeRoutes } from './routes/invoke.ts'
import { registerMcpRoutes } from './routes/mcp.ts'
import { registerMcpServerRoutes } from './routes/mcp-servers.ts'
import { registerMemoryRoutes } from './routes/memory.ts'
import { registerNotificationRoutes } from './routes/notifications.ts'
import { registerOpenAIChatRoutes } from './routes/openai-chat-completions.ts'
import { registerOpenAIModelRoutes } from './routes/openai-models.ts'
import { registerPersonalConfigRoutes } from './routes/personal-config.ts'
import { registerReloadRoutes } from './routes/reload.ts'
import { registerScheduleRoutes } from './routes/schedules.ts'
import { registerSessionRoutes } from './routes/sessions.ts'
import { registerSkillRoutes } from './routes/skills.ts'
import { registerToolRoutes } from './routes/tools.ts'
import type { GatewayRuntime } from './services/gateway-runtime.ts'

/** The gateway's inner Hono app (`gw.app`), with the gateway's request variables typed. */
export type GatewayApp = OpenAPIHono<GatewayEnv>

/** The form of `path` the gateway has a route for: `/dashboard/` for `/dashboard`, `/v1/agents` for `/v1/agents/`. */
function toRoutedSlashForm(routes: RouteTable, method: string, path: string): string {
  if (path === '/') return path
  const bare = path.replace(/\/+$/, '')
  return routes.find(method, `${bare}/`) ? `${bare}/` : bare
}

export interface CreateGatewayAppOptions {
  routes: RouteTable
  /** Starts the gateway if needed and returns its runtime. */
  start: () => Promise<GatewayRuntime>
}

/**
 * Builds the inner Hono app: global middleware, built-in routes, error envelopes. Routes see
 * paths without the mount prefix: `getPath` strips `bindings.mountPath` on a `/` boundary.
 */
export function createGatewayApp(options: CreateGatewayAppOptions): GatewayApp {
  // Variables are read with `c.get()`: Hono's `c.var` builds a new object on every access.
  const app = new OpenAPIHono<GatewayEnv>({
    getPath: (request, context) => {
      const path = getPath(request)
      const bindings = context?.env as GatewayBindings | undefined
      const routed = stripMountPath(path, bindings?.mountPath) ?? path
      // A host that forces one trailing-slash form (Next.js) shows us `/dashboard` for the
      // route `/dashboard/` (or `/v1/agents/` for `/v1/agents`): route both forms alike.
      return bindings?.trailingSlash ? toRoutedSlashForm(options.routes, request.method, routed) : routed
    },
    defaultHook: (result, c) => {
      if (result.success) return
      const where = result.target === 'json' ? '/body' : `/${result.target}`
      const error = new GatewayError('validation_failed', { details: zodDetails(result.error, where) })
      // OpenAI clients read request errors as JSON, streaming or not.
      const asEvents = wantsEventStream(c) && c.get('route')?.errorFormat !== 'openai'
      return asEvents ? sseErrorResponse(c, error) : errorResponse(c, error)
    },
  })

  app.use('*', resolveRuntime(options.start))
  app.use('*', requestOrigin())
  app.use('*', requestId())
  app.use('*', securityHeaders())
  app.use('*', refuseUnsupportedMethod(options.routes))
  app.use('*', corsForConfig())
  app.use('*', routeIdentity(options.routes))
  app.use('*', traceRequest())
  app.use('*', refuseWhileDraining())
  app.use('*', authenticate())
  app.use('*', limitBody())
  app.use('*', checkInput())

  registerHealthRoutes(app)
  registerAgentRoutes(app)
  registerInvokeRoutes(app)
  registerChatRoutes(app)
  registerExecutionRoutes(app)
  registerApprovalRoutes(app)
  registerExecutionEventRoutes(app)
  registerSessionRoutes(app)
  registerScheduleRoutes(app)
  registerNotificationRoutes(app)
  registerPersonalConfigRoutes(app)
  registerMemoryRoutes(app)
  registerSkillRoutes(app)
  registerToolRoutes(app)
  registerMcpServerRoutes(app)
  registerReloadRoutes(app)
  registerOpenAIModelRoutes(app)
  registerOpenAIChatRoutes(app)
  registerMcpRoutes(app)
  registerDocsRoutes(app, options.routes)
  registerDashboardRoutes(app, options.routes)
  collectRouteIdentities(app, options.routes)

  app.notFound(
    (c) =>
      unmatchedMethodResponse(c, options.routes) ??
      errorResponse(
        c,
        new GatewayError('route_not_found', { message: `No route for ${c.req.method} ${c.req.path}.` }),
      ),
  )
  app.onError((error, c) => {
    const logger = c.get('runtime')?.logger
    if (c.req.raw.signal.aborted) {
      // The client went away mid-request (often mid-upload): nothing failed on our side.
      logger?.debug({ requestId: c.get('requestId'), path: c.req.path }, 'request aborted by the client')
      return errorResponse(c, new GatewayError('bad_request', { message: 'The request was aborted.' }))
    }
    const gatewayError = toGatewayError(error)
    if (gatewayError.code === 'internal_error') {
      logger?.error({ err: error, requestId: c.get('requestId'), path: c.req.path }, 'unhandled error')
    }
    return errorResponse(c, gatewayError)
  })
  return app
}
