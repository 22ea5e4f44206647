import type { MiddlewareHandler } from 'hono'
import { matchedRoutes } from 'hono/route'
import type { GatewayEnv } from '../gateway-env.ts'
import type { RouteEntry, RouteTable } from '../route-table.ts'

/** Path of the gateway's own global middleware entries in Hono's match list. */
const globalMiddlewarePath = '*'

/**
 * Looks up the identity of the route this request matched. Routes added straight to `gw.app`
 * without an identity are "custom" routes: any authenticated caller, never public by accident.
 */
export function routeIdentity(table: RouteTable): MiddlewareHandler<GatewayEnv> {
  return async function routeIdentityMiddleware(c, next) {
    const method = c.req.method
    const routes = matchedRoutes(c)
    let entry: RouteEntry | undefined
    for (let index = routes.length - 1; index >= 0 && !entry; index--) {
      entry = table.find(method, (routes[index] as { path: string }).path)
    }
    if (!entry) {
      const custom = routes.findLast((route) => route.path !== globalMiddlewarePath && route.path !== '/*')
      if (custom)
        entry = {
          id: `custom:${method} ${custom.path}`,
          surface: 'api',
          scopes: [],
          method,
          path: custom.path,
        }
    }
    c.set('route', entry)
    await next()
  }
}
