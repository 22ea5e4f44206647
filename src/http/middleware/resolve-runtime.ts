import type { MiddlewareHandler } from 'hono'
import { GatewayError } from '../../core/errors.ts'
import type { GatewayRuntime } from '../../services/gateway-runtime.ts'
import { errorResponse } from '../error-response.ts'
import type { GatewayEnv } from '../gateway-env.ts'

/**
 * Starts the gateway on its first request when the host did not (lazy start), and hands the
 * runtime to handlers. A failed start answers 503; the next request tries again.
 */
export function resolveRuntime(start: () => Promise<GatewayRuntime>): MiddlewareHandler<GatewayEnv> {
  return async function resolveRuntimeMiddleware(c, next) {
    let runtime: GatewayRuntime
    try {
      runtime = await start()
    } catch {
      return errorResponse(
        c,
        new GatewayError('gateway_unavailable', { message: 'The gateway failed to start; see its log.' }),
      )
    }
    c.set('runtime', runtime)
    await next()
  }
}
