import type { OpenAPIHono, RouteConfig } from '@hono/zod-openapi'
import type { GatewayEnv } from './gateway-env.ts'
import { type RouteIdentity, type RouteTable, toHonoPath } from './route-table.ts'

const identityKey = Symbol.for('agentgw.route-identity')

/**
 * Declares an OpenAPI route together with its identity (id, surface, scopes, public). The
 * identity travels with the route config, so registering the route is enough for the route
 * table to know it; `security` in the document is derived from it.
 */
export function defineRoute<const R extends RouteConfig>(identity: RouteIdentity, route: R): R {
  const described = identity.public
    ? route
    : {
        ...route,
        security: [{ bearerAuth: [...identity.scopes] }],
        description: [
          route.description,
          identity.scopes.length > 0 ? `Requires scope: ${identity.scopes.join(', ')}.` : '',
        ]
          .filter(Boolean)
          .join('\n\n'),
      }
  Object.defineProperty(described, identityKey, { value: identity, enumerable: true })
  return described as R
}

/**
 * Copies the identity of every OpenAPI route registered on `app` into `table`. Throws for an
 * OpenAPI route declared without `defineRoute`: an unidentified built-in route is a bug.
 */
export function collectRouteIdentities(app: OpenAPIHono<GatewayEnv>, table: RouteTable): void {
  for (const definition of app.openAPIRegistry.definitions) {
    if (definition.type !== 'route') continue
    const route = definition.route as { method: string; path: string; [identityKey]?: RouteIdentity }
    const identity = route[identityKey]
    if (!identity)
      throw new Error(`route ${route.method.toUpperCase()} ${route.path} was not declared with defineRoute()`)
    table.add({ ...identity, method: route.method.toUpperCase(), path: toHonoPath(route.path) })
  }
}

/**
 * The operations (`get /v1/agents`) of the routes declared with `defineRoute()` on `app`. An
 * OpenAPI sub-app the user routes on `gw.app` adds its definitions to the same registry; those
 * are not the gateway's and stay out of its document.
 */
export function identifiedOperations(app: OpenAPIHono<GatewayEnv>): Set<string> {
  const operations = new Set<string>()
  for (const definition of app.openAPIRegistry.definitions) {
    if (definition.type !== 'route') continue
    const route = definition.route as { method: string; path: string; [identityKey]?: RouteIdentity }
    if (route[identityKey]) operations.add(`${route.method.toLowerCase()} ${route.path}`)
  }
  return operations
}
