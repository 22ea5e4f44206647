import type { Context } from 'hono'
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie'
import type { CookieOptions } from 'hono/utils/cookie'
import type { GatewayEnv } from '../http/gateway-env.ts'
import { url } from '../http/url.ts'
import type { DashboardService } from '../services/dashboard-auth/create-dashboard-service.ts'

/**
 * The dashboard's cookie path: the dashboard under the public prefix (`/public/ai/dashboard`),
 * so the cookies never reach the API, the host's routes or another gateway on the same host.
 */
export function dashboardCookiePath(c: Context<GatewayEnv>): string {
  return url(c, '/dashboard')
}

/**
 * Attributes of every dashboard cookie: HttpOnly, the dashboard path, SameSite from config and
 * `Secure` whenever the request is secure as the browser sees it (direct TLS or a trusted
 * proxy) — an explicit `session_cookie_secure` wins.
 */
export function dashboardCookieOptions(
  c: Context<GatewayEnv>,
  dashboard: DashboardService,
  extra: { maxAge?: number; path?: string; sameSite?: 'lax' | 'strict' | 'none' } = {},
): CookieOptions {
  const auth = dashboard.config.auth
  const sameSite = extra.sameSite ?? auth.sessionCookieSameSite
  const options: CookieOptions = {
    path: extra.path ?? dashboardCookiePath(c),
    httpOnly: true,
    secure: auth.sessionCookieSecure ?? c.var.origin.secure,
    sameSite: sameSite === 'lax' ? 'Lax' : sameSite === 'strict' ? 'Strict' : 'None',
  }
  if (auth.sessionCookieDomain) options.domain = auth.sessionCookieDomain
  if (extra.maxAge !== undefined) options.maxAge = extra.maxAge
  return options
}

/** Sets a cookie signed with the dashboard's shared secret. */
export async function setDashboardCookie(
  c: Context<GatewayEnv>,
  dashboard: DashboardService,
  name: string,
  value: string,
  extra?: Parameters<typeof dashboardCookieOptions>[2],
): Promise<void> {
  await setSignedCookie(c, name, value, dashboard.secret, dashboardCookieOptions(c, dashboard, extra))
}

/** A signed cookie's value; `undefined` when missing or when its signature does not verify. */
export async function readDashboardCookie(
  c: Context<GatewayEnv>,
  dashboard: DashboardService,
  name: string,
): Promise<string | undefined> {
  const value = await getSignedCookie(c, dashboard.secret, name)
  return typeof value === 'string' ? value : undefined
}

export function clearDashboardCookie(
  c: Context<GatewayEnv>,
  dashboard: DashboardService,
  name: string,
  path?: string,
): void {
  deleteCookie(c, name, dashboardCookieOptions(c, dashboard, path ? { path } : {}))
}

/** Names of the dashboard's cookies, derived from `session_cookie_name`. */
export function dashboardCookieNames(dashboard: DashboardService): {
  session: string
  csrf: string
  oidc: string
} {
  const base = dashboard.config.auth.sessionCookieName
  return { session: base, csrf: `${base}_csrf`, oidc: `${base}_oidc` }
}
