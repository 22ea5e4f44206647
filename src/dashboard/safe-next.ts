import type { Context } from 'hono'
import type { GatewayEnv } from '../http/gateway-env.ts'
import { url } from '../http/url.ts'

const probeHost = 'next.invalid'

/**
 * Where to go after signing in: `next` only when it is a path on this origin under the
 * dashboard's public prefix (dot segments resolved, no scheme, no `//` host, no backslashes),
 * and not one of the sign-in routes; otherwise the dashboard's home. Never an open redirect.
 */
export function safeNext(c: Context<GatewayEnv>, next: unknown): string {
  const base = url(c, '/dashboard').replace(/\/$/, '')
  const home = url(c, '/dashboard/')
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || /[\\\s]/.test(next))
    return home
  let parsed: URL
  try {
    parsed = new URL(next, `http://${probeHost}`)
  } catch {
    return home
  }
  if (parsed.host !== probeHost) return home
  const path = parsed.pathname
  if (path !== base && !path.startsWith(`${base}/`)) return home
  const rest = path.slice(base.length)
  if (/^\/(login|logout|oauth2|static)(\/|$)/.test(rest)) return home
  return `${path}${parsed.search}`
}

/** The public path (with query) of the current request, for a `next` parameter. */
export function currentPublicPath(c: Context<GatewayEnv>): string {
  const search = new URL(c.req.url).search
  return `${url(c, c.req.path)}${search}`
}
