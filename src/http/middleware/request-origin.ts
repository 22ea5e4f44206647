import type { MiddlewareHandler } from 'hono'
import { normalizePrefix, stripMountPath } from '../../core/url/path-prefix.ts'
import { computeRequestOrigin } from '../../core/url/request-origin.ts'
import type { GatewayEnv } from '../gateway-env.ts'

/** Computes the request's `RequestOrigin` (design.md §3) for the URL builder and auth. */
export function requestOrigin(): MiddlewareHandler<GatewayEnv> {
  return async function requestOriginMiddleware(c, next) {
    const runtime = c.get('runtime')
    const url = new URL(c.req.url)
    const bindings = c.env ?? {}
    const mountPath = normalizePrefix(bindings.mountPath ?? '')
    c.set(
      'origin',
      computeRequestOrigin({
        url,
        headers: c.req.raw.headers,
        peerAddress: bindings.remoteAddress ?? bindings.incoming?.socket?.remoteAddress,
        mountPath: stripMountPath(url.pathname, mountPath) === undefined ? '' : mountPath,
        configuredRootPath: runtime.config.server.rootPath,
        isTrusted: runtime.trust.isTrusted,
        trustAll: runtime.trust.trustAll,
      }),
    )
    await next()
  }
}
