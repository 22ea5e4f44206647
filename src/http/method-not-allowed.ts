import type { Context, MiddlewareHandler } from 'hono'
import { GatewayError } from '../core/errors.ts'
import { errorResponse } from './error-response.ts'
import type { GatewayEnv } from './gateway-env.ts'
import type { RouteTable } from './route-table.ts'

/** `/v1/agents/:agent_id` → a regular expression matching the paths Hono routes to it. */
function toPathPattern(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => {
      if (segment === '*') return '.*'
      const parameter = /^:[A-Za-z0-9_]+(?:\{(.+)\})?(\?)?$/.exec(segment)
      if (parameter) return parameter[1] ? `(?:${parameter[1]})` : '[^/]+'
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    })
    .join('/')
  return new RegExp(`^${source}$`)
}

/** Methods the gateway serves at `path`, from the route table (HEAD with GET). */
export function allowedMethods(table: RouteTable, path: string): string[] {
  const methods = new Set<string>()
  for (const entry of table.entries()) {
    if (toPathPattern(entry.path).test(path)) {
      methods.add(entry.method)
      if (entry.method === 'GET') methods.add('HEAD')
    }
  }
  return [...methods].sort()
}

/**
 * For a request no route matched: `OPTIONS` on a served path answers 204 with `Allow`, another
 * method answers 405 `method_not_allowed` with `Allow`; `undefined` when nothing is served at
 * the path (a real 404).
 */
export function unmatchedMethodResponse(c: Context<GatewayEnv>, table: RouteTable): Response | undefined {
  const methods = allowedMethods(table, c.req.path)
  // Nothing here, or a served method whose handler found nothing (an unknown asset name).
  if (methods.length === 0 || methods.includes(c.req.method)) return undefined
  const allow = [...methods, 'OPTIONS'].join(', ')
  if (c.req.method === 'OPTIONS') return c.body(null, 204, { Allow: allow })
  return errorResponse(
    c,
    new GatewayError('method_not_allowed', {
      message: `${c.req.method} is not allowed here; use ${methods.join(', ')}.`,
      headers: { Allow: allow },
    }),
  )
}

/**
 * A method the Fetch API cannot represent (TRACE, TRACK, CONNECT) reaches the gateway as a GET
 * with the real method in `bindings.method` (see the node adapter); it is refused with 405 and
 * the methods that are allowed.
 */
export function refuseUnsupportedMethod(table: RouteTable): MiddlewareHandler<GatewayEnv> {
  return async function refuseUnsupportedMethodMiddleware(c, next) {
    const method = c.env?.method
    if (method === undefined) return next()
    const methods = allowedMethods(table, c.req.path)
    return errorResponse(
      c,
      new GatewayError('method_not_allowed', {
        message: `${method} is not supported.`,
        headers: { Allow: [...methods, 'OPTIONS'].join(', ') },
      }),
    )
  }
}
