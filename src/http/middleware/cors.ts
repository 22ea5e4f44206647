import type { MiddlewareHandler } from 'hono'
import { cors } from 'hono/cors'
import type { GatewayConfig } from '../../core/config/schema.ts'
import type { GatewayEnv } from '../gateway-env.ts'

function createCorsHandler(config: GatewayConfig['cors']): MiddlewareHandler<GatewayEnv> {
  const origins = config.allowOrigins
  return cors({
    origin: origins.includes('*') ? '*' : origins,
    allowMethods: config.allowMethods,
    allowHeaders: config.allowHeaders,
    exposeHeaders: config.exposeHeaders,
    credentials: config.allowCredentials,
    maxAge: config.maxAge,
  }) as MiddlewareHandler<GatewayEnv>
}

/**
 * CORS as `cors` in the started gateway's config says (nothing when it is off). The handler is
 * built once per configuration; the config object is the cache key, so gateways never share one.
 */
export function corsForConfig(): MiddlewareHandler<GatewayEnv> {
  const handlers = new WeakMap<GatewayConfig['cors'], MiddlewareHandler<GatewayEnv>>()
  return async function corsForConfigMiddleware(c, next) {
    const config = c.get('runtime').config.cors
    if (!config.enabled) return next()
    let handler = handlers.get(config)
    if (!handler) {
      handler = createCorsHandler(config)
      handlers.set(config, handler)
    }
    return handler(c, next)
  }
}
