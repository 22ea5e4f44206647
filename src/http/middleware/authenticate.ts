import type { MiddlewareHandler } from 'hono'
import { toViewer, unauthenticatedViewer } from '../../core/authorization.ts'
import { GatewayError } from '../../core/errors.ts'
import { unsafeTextReason } from '../../core/input/unsafe-text.ts'
import { anonymousPrincipal, hasScopes } from '../../core/principal.ts'
import { errorResponse } from '../error-response.ts'
import type { GatewayEnv } from '../gateway-env.ts'
import { requestLogger } from '../request-logger.ts'

function rateHeaders(decision: {
  limit: number
  remaining: number
  resetMs: number
}): Record<string, string> {
  return {
    'RateLimit-Limit': String(decision.limit),
    'RateLimit-Remaining': String(decision.remaining),
    'RateLimit-Reset': String(Math.ceil(decision.resetMs / 1000)),
  }
}

/**
 * Decides access from the matched route's identity — never from the path — so no prefix can
 * unprotect a route: public routes (declared, or listed by id in `auth.public_routes`) pass;
 * others need credentials (401 `auth_required` / `invalid_credentials`) and the route's scopes
 * (403 `insufficient_scope`). Then applies rate limits per caller. Dashboard routes are left to
 * the dashboard's own session login.
 */
export function authenticate(): MiddlewareHandler<GatewayEnv> {
  return async function authenticateMiddleware(c, next) {
    const runtime = c.get('runtime')
    const route = c.get('route')
    c.set('principal', undefined)
    c.set('viewer', unauthenticatedViewer)
    if (!route || route.surface === 'dashboard') return next()

    const security = runtime.security
    const clientKey = `ip:${c.get('origin').clientIp ?? 'unknown'}`
    const isPublic = route.public === true || security.publicRoutes.has(route.id)

    if (!security.authenticator) {
      c.set('principal', anonymousPrincipal)
    } else {
      const blocked = security.rateLimits ? await security.rateLimits.isBlocked(clientKey) : undefined
      if (blocked) {
        return errorResponse(
          c,
          new GatewayError('rate_limited', {
            message: 'Too many failed authentication attempts; try again later.',
            headers: { 'Retry-After': String(Math.ceil(blocked.resetMs / 1000)) },
          }),
        )
      }
      let outcome = await security.authenticator.authenticate(c.req.raw)
      // Principal ids are stored with every execution: one that no backend can store as text
      // (a token subject with U+0000) is refused like any other bad credential.
      if (outcome.kind === 'authenticated' && unsafeTextReason(outcome.principal.id)) {
        outcome = { kind: 'invalid', reason: 'the principal id cannot be stored' }
      }
      if (outcome.kind === 'authenticated') {
        c.set('principal', outcome.principal)
      } else if (!isPublic) {
        if (outcome.kind === 'invalid') {
          await security.rateLimits?.recordFailure(clientKey)
          requestLogger(c).info(
            { route: route.id, reason: outcome.reason, clientIp: c.get('origin').clientIp },
            'credentials refused',
          )
          return errorResponse(
            c,
            new GatewayError('invalid_credentials', {
              headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
            }),
          )
        }
        return errorResponse(
          c,
          new GatewayError('auth_required', { headers: { 'WWW-Authenticate': 'Bearer' } }),
        )
      }
    }

    const principal = c.get('principal')
    if (principal) {
      if (!isPublic && !hasScopes(principal, route.scopes)) {
        return errorResponse(
          c,
          new GatewayError('insufficient_scope', {
            message: `This route needs the scope(s): ${route.scopes.join(', ')}.`,
            headers: {
              'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${route.scopes.join(' ')}"`,
            },
          }),
        )
      }
      c.set('viewer', toViewer(principal))
    }

    if (security.rateLimits && route.surface === 'api' && !isPublic) {
      const decision = await security.rateLimits.consume(
        principal && principal !== anonymousPrincipal ? `p:${principal.id}` : clientKey,
      )
      const headers = rateHeaders(decision)
      if (!decision.allowed) {
        return errorResponse(
          c,
          new GatewayError('rate_limited', {
            headers: { ...headers, 'Retry-After': String(Math.ceil(decision.resetMs / 1000)) },
          }),
        )
      }
      for (const [name, value] of Object.entries(headers)) c.header(name, value)
    }
    await next()
  }
}
