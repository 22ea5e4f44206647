import type { MiddlewareHandler } from 'hono'
import { requestId as honoRequestId } from 'hono/request-id'
import type { GatewayEnv } from '../gateway-env.ts'

/**
 * Gives each request an id (`c.get('requestId')`, the caller's `X-Request-Id` when it is a
 * plain token) and sends it back on **every** response. Hono's middleware sets the header on
 * responses built through the context only; handlers that return their own `Response` — event
 * streams — would go without it.
 */
export function requestId(): MiddlewareHandler<GatewayEnv> {
  const assign = honoRequestId({ headerName: 'X-Request-Id' })
  return async function requestIdMiddleware(c, next) {
    await assign(c, next)
    if (c.res.headers.has('X-Request-Id')) return
    try {
      c.res.headers.set('X-Request-Id', c.get('requestId'))
    } catch {
      // Responses from fetch (a mounted foreign app proxying one) have immutable headers.
      c.res = new Response(c.res.body, c.res)
      c.res.headers.set('X-Request-Id', c.get('requestId'))
    }
  }
}
