import type { MiddlewareHandler } from 'hono'
import { compileAllowedHosts, type HostAllowlist } from '../../core/url/allowed-hosts.ts'
import { normalizePrefix, stripMountPath } from '../../core/url/path-prefix.ts'
import { computeRequestOrigin } from '../../core/url/request-origin.ts'
import type { GatewayRuntime } from '../../services/gateway-runtime.ts'
import type { GatewayEnv } from '../gateway-env.ts'

/** Refused forwarded headers are logged at most this often (a misconfigured proxy repeats them). */
const refusalLogIntervalMs = 60_000

/** Computes the request's `RequestOrigin` (design.md §3) for the URL builder and auth. */
export function requestOrigin(): MiddlewareHandler<GatewayEnv> {
  const allowlists = new WeakMap<GatewayRuntime, HostAllowlist | undefined>()
  let lastRefusalLog = 0
  let refusedSinceLog = 0
  return async function requestOriginMiddleware(c, next) {
    const runtime = c.get('runtime')
    const server = runtime.config.server
    if (!allowlists.has(runtime)) {
      allowlists.set(
        runtime,
        server.allowedHosts.length > 0 ? compileAllowedHosts(server.allowedHosts) : undefined,
      )
    }
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
        configuredRootPath: server.rootPath,
        isTrusted: runtime.trust.isTrusted,
        trustAll: runtime.trust.trustAll,
        publicUrl: server.publicUrl ?? undefined,
        allowedHosts: allowlists.get(runtime),
        trailingSlash: bindings.trailingSlash,
        onRefusedHeader(header, value) {
          refusedSinceLog++
          const now = Date.now()
          if (now - lastRefusalLog < refusalLogIntervalMs) return
          runtime.logger.warn(
            { header, value: value.slice(0, 200), refused: refusedSinceLog },
            'a trusted proxy sent a forwarded header that is not a plain path; it was ignored',
          )
          lastRefusalLog = now
          refusedSinceLog = 0
        },
      }),
    )
    await next()
  }
}
