import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { GatewayError } from '../../core/errors.ts'
import type { GatewayRuntime } from '../../services/gateway-runtime.ts'
import { errorResponse } from '../error-response.ts'
import type { GatewayEnv } from '../gateway-env.ts'

/** Refuses request bodies over `server.max_body_bytes` with the 413 envelope. */
export function limitBody(): MiddlewareHandler<GatewayEnv> {
  const bodyLimits = new WeakMap<GatewayRuntime, MiddlewareHandler<GatewayEnv>>()
  return async function limitBodyMiddleware(c, next) {
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
  }
}
