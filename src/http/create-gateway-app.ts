import { OpenAPIHono } from '@hono/zod-openapi'
import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { requestId } from 'hono/request-id'
import { getPath } from 'hono/utils/url'
import { GatewayError } from '../core/errors.ts'
import type { GatewayBindings } from '../core/gateway-bindings.ts'
import { stripMountPath } from '../core/url/path-prefix.ts'
import { registerDashboardRoutes } from '../dashboard/register-dashboard-routes.ts'
import { registerAgentRoutes } from '../routes/agents.ts'
import { registerChatRoutes } from '../routes/chat.ts'
import { registerDocsRoutes } from '../routes/docs.ts'
import { registerExecutionEventRoutes } from '../routes/execution-events.ts'
import { registerExecutionRoutes } from '../routes/executions.ts'
import { registerHealthRoutes } from '../routes/health.ts'
import { registerInvokeRoutes } from '../routes/invoke.ts'
import { registerSessionRoutes } from '../routes/sessions.ts'
import { registerSkillRoutes } from '../routes/skills.ts'
import { registerToolRoutes } from '../routes/tools.ts'
import type { GatewayRuntime } from '../runtime/gateway-runtime.ts'
import { collectRouteIdentities } from './define-route.ts'
import { errorResponse, toGatewayError, zodDetails } from './error-response.ts'
import type { GatewayEnv } from './gateway-env.ts'
import { authenticate } from './middleware/authenticate.ts'
import { requestOrigin } from './middleware/request-origin.ts'
import { resolveRuntime } from './middleware/resolve-runtime.ts'
import { routeIdentity } from './middleware/route-identity.ts'
import { securityHeaders } from './middleware/security-headers.ts'
import type { RouteTable } from './route-table.ts'
import { sseErrorResponse, wantsEventStream } from './stream-run-response.ts'

export type GatewayApp = OpenAPIHono<GatewayEnv>

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
      const mountPath = (context?.env as GatewayBindings | undefined)?.mountPath
      return stripMountPath(path, mountPath) ?? path
    },
    defaultHook: (result, c) => {
      if (result.success) return
      const where = result.target === 'json' ? '/body' : `/${result.target}`
      const error = new GatewayError('validation_failed', { details: zodDetails(result.error, where) })
      return wantsEventStream(c) ? sseErrorResponse(c, error) : errorResponse(c, error)
    },
  })

  app.use('*', resolveRuntime(options.start))
  app.use('*', requestOrigin())
  app.use('*', requestId({ headerName: 'X-Request-Id' }))
  app.use('*', securityHeaders())
  app.use('*', async function corsForConfig(c, next) {
    const handler = c.get('runtime').security.cors
    return handler ? handler(c, next) : next()
  })
  app.use('*', routeIdentity(options.routes))
  app.use('*', authenticate())
  const bodyLimits = new WeakMap<GatewayRuntime, MiddlewareHandler<GatewayEnv>>()
  app.use('*', async function limitBody(c, next) {
    const runtime = c.get('runtime')
    const maxSize = runtime.config.server.maxBodyBytes
    // A fixed-length body is judged by its Content-Length, as Hono's bodyLimit would, but
    // without touching `c.req.raw.body`: on @hono/node-server that builds a full Request and
    // a web stream over the body, which the direct JSON read does not need.
    const length = c.req.header('content-length')
    if (
      length !== undefined &&
      c.req.method !== 'GET' &&
      c.req.method !== 'HEAD' &&
      c.req.header('transfer-encoding') === undefined
    ) {
      return Number.parseInt(length, 10) > maxSize
        ? errorResponse(c, new GatewayError('payload_too_large'))
        : next()
    }
    let limit = bodyLimits.get(runtime)
    if (!limit) {
      limit = bodyLimit({
        maxSize,
        onError: (context) => errorResponse(context, new GatewayError('payload_too_large')),
      })
      bodyLimits.set(runtime, limit)
    }
    return limit(c, next)
  })

  registerHealthRoutes(app)
  registerAgentRoutes(app)
  registerInvokeRoutes(app)
  registerChatRoutes(app)
  registerExecutionRoutes(app)
  registerExecutionEventRoutes(app)
  registerSessionRoutes(app)
  registerSkillRoutes(app)
  registerToolRoutes(app)
  registerDocsRoutes(app, options.routes)
  registerDashboardRoutes(app, options.routes)
  collectRouteIdentities(app, options.routes)

  app.notFound((c) =>
    errorResponse(
      c,
      new GatewayError('route_not_found', { message: `No route for ${c.req.method} ${c.req.path}.` }),
    ),
  )
  app.onError((error, c) => {
    const gatewayError = toGatewayError(error)
    if (gatewayError.code === 'internal_error') {
      c.get('runtime')?.logger.error(
        { err: error, requestId: c.get('requestId'), path: c.req.path },
        'unhandled error',
      )
    }
    return errorResponse(c, gatewayError)
  })
  return app
}
