import type { MiddlewareHandler } from 'hono'
import { GatewayError } from '../../core/errors.ts'
import { errorResponse } from '../error-response.ts'
import type { GatewayEnv } from '../gateway-env.ts'

/**
 * While the gateway drains, new requests are refused with 503 `shutting_down` and
 * `Connection: close`, so a keep-alive client reconnects to another instance; the health route
 * still answers (with `draining`) for load balancers. Requests already in flight are counted so
 * the drain waits for them.
 */
export function refuseWhileDraining(): MiddlewareHandler<GatewayEnv> {
  return async function refuseWhileDrainingMiddleware(c, next) {
    const drain = c.var.runtime.drain
    if (drain.draining && c.var.route?.id !== 'health') {
      const response = errorResponse(c, new GatewayError('shutting_down'))
      response.headers.set('connection', 'close')
      response.headers.set('retry-after', '1')
      return response
    }
    const leave = drain.enter()
    try {
      await next()
    } finally {
      leave()
    }
  }
}
