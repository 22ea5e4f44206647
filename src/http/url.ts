import type { Context } from 'hono'
import type { RequestOrigin } from '../core/url/request-origin.ts'
import type { GatewayEnv } from './gateway-env.ts'

/** A gateway path under an origin's public prefix, for code that holds no request context. */
export function urlFor(origin: RequestOrigin, path: string): string {
  if (path !== '' && !path.startsWith('/')) throw new Error(`gateway paths start with "/": ${path}`)
  return `${origin.rootPath}${path}`
}

/** `urlFor()` with the public scheme and host. */
export function absoluteUrlFor(origin: RequestOrigin, path: string): string {
  return `${origin.publicOrigin}${urlFor(origin, path)}`
}

/**
 * The one place outward paths are built: the public prefix of this request plus a gateway path.
 * Redirects, links, cookie paths, poll URLs and docs URLs all come from here or `absoluteUrl`.
 */
export function url(c: Context<GatewayEnv>, path: string): string {
  return urlFor(c.get('origin'), path)
}

/** `url()` with the public scheme and host, for Location headers, OAuth redirect_uri, e-mails. */
export function absoluteUrl(c: Context<GatewayEnv>, path: string): string {
  return absoluteUrlFor(c.get('origin'), path)
}
