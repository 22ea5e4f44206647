import type { MiddlewareHandler } from 'hono'
import type { GatewayConfig } from '../../core/config/schema.ts'
import type { GatewayEnv } from '../gateway-env.ts'
import type { Surface } from '../route-table.ts'

/** Default CSP of the docs page: our own scripts only; Swagger UI sets inline styles. */
export const defaultDocsCsp =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

/** Default CSP of dashboard pages: scripts and styles only from the gateway or with this request's nonce. */
export const defaultDashboardCsp =
  "default-src 'none'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'nonce-{nonce}'; img-src 'self' data: https:; connect-src 'self'; font-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

function cspFor(surface: Surface, config: GatewayConfig['security'], nonce: string): string {
  switch (surface) {
    case 'docs':
      return (config.docsContentSecurityPolicy ?? defaultDocsCsp).replaceAll('{nonce}', nonce)
    case 'dashboard':
      return (config.dashboardContentSecurityPolicy ?? defaultDashboardCsp).replaceAll('{nonce}', nonce)
    default:
      return config.contentSecurityPolicy
  }
}

/**
 * Security headers on every response — errors and 404s included — chosen by the route's surface
 * (API, docs, dashboard), not its path. HSTS only on requests that are secure per the request
 * origin (direct TLS or a trusted proxy), since browsers ignore it otherwise.
 */
export function securityHeaders(): MiddlewareHandler<GatewayEnv> {
  return async function securityHeadersMiddleware(c, next) {
    const nonce = crypto.randomUUID().replaceAll('-', '')
    c.set('nonce', nonce)
    await next()
    const config = c.get('runtime')?.config.security
    if (!config?.enabled) return
    let headers = c.res.headers
    try {
      headers.set('X-Content-Type-Options', config.xContentTypeOptions || 'nosniff')
    } catch {
      // Responses from fetch (e.g. a mounted foreign app proxying one) have immutable headers.
      c.res = new Response(c.res.body, c.res)
      headers = c.res.headers
    }
    const surface = c.get('route')?.surface ?? 'api'
    headers.set('Content-Security-Policy', cspFor(surface, config, nonce))
    if (!config.xContentTypeOptions) headers.delete('X-Content-Type-Options')
    if (config.xFrameOptions) headers.set('X-Frame-Options', config.xFrameOptions)
    if (config.referrerPolicy) headers.set('Referrer-Policy', config.referrerPolicy)
    if (config.strictTransportSecurity && c.get('origin')?.secure)
      headers.set('Strict-Transport-Security', config.strictTransportSecurity)
  }
}
