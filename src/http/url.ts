import type { Context } from 'hono'
import type { RequestOrigin } from '../core/url/request-origin.ts'
import { toTrailingSlashForm } from '../core/url/trailing-slash.ts'
import type { GatewayEnv } from './gateway-env.ts'

/** A gateway path under an origin's public prefix, for code that holds no request context. */
export function urlFor(origin: RequestOrigin, path: string): string {
  if (path === '') return origin.rootPath
  if (!path.startsWith('/')) throw new Error(`gateway paths start with "/": ${path}`)
  // In the host's trailing-slash form, so no link is ever redirected by the host.
  return toTrailingSlashForm(`${origin.rootPath}${path}`, origin.trailingSlash)
}

/**
 * `urlFor()` with the public scheme and host when they come from a trusted source (see
 * `RequestOrigin.trustedOrigin`); otherwise the root-relative `urlFor()`, since the request's
 * own `Host` header is the client's choice.
 */
export function absoluteUrlFor(origin: RequestOrigin, path: string): string {
  return `${origin.trustedOrigin ?? ''}${urlFor(origin, path)}`
}

/**
 * The one place outward paths are built: the public prefix of this request plus a gateway path.
 * Redirects, links, cookie paths, poll URLs and docs URLs all come from here or `absoluteUrl`.
 */
export function url(c: Context<GatewayEnv>, path: string): string {
  return urlFor(c.get('origin'), path)
}

/**
 * `url()` with the public scheme and host, for Location headers, OpenAPI `servers` and links
 * in notifications — absolute when the origin is trusted (`server.public_url`,
 * `server.allowed_hosts`, a trusted proxy), root-relative otherwise.
 */
export function absoluteUrl(c: Context<GatewayEnv>, path: string): string {
  return absoluteUrlFor(c.get('origin'), path)
}

/**
 * Always absolute, for the one place a relative URL cannot go: an OAuth `redirect_uri`. Falls
 * back to the request's own origin when none is trusted — the identity provider only accepts
 * redirect URIs registered with it, so a forged `Host` gets nowhere (the gateway warns at
 * start to set `server.public_url`).
 */
export function redirectUriUrl(c: Context<GatewayEnv>, path: string): string {
  const origin = c.get('origin')
  return `${origin.trustedOrigin ?? origin.publicOrigin}${urlFor(origin, path)}`
}
