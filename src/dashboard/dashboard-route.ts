import type { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { GatewayError, toGatewayError } from '../core/errors.ts'
import { errorResponse } from '../http/error-response.ts'
import type { GatewayEnv } from '../http/gateway-env.ts'
import type { RouteTable } from '../http/route-table.ts'
import { url } from '../http/url.ts'
import type { DashboardService } from '../services/dashboard-auth/create-dashboard-service.ts'
import { checkCsrf } from './check-csrf.ts'
import { type DashboardUser, readDashboardUser } from './dashboard-user.ts'
import { currentPublicPath, safeNext } from './safe-next.ts'
import { renderErrorPage } from './views/error-page.ts'

/** Who may use a dashboard route. */
export type DashboardAccess = 'public' | 'user' | 'admin'

export interface DashboardRouteOptions {
  /** Route id, e.g. `dashboard.agents`. */
  id: string
  method: 'GET' | 'POST'
  /** Gateway path (no prefix), e.g. `/dashboard/agents/:id`. */
  path: string
  access: DashboardAccess
}

export interface DashboardRequest {
  dashboard: DashboardService
  /** Always set on `user`/`admin` routes; on public routes only when signed in. */
  user: DashboardUser | undefined
  /** Fields of a urlencoded or multipart POST body. */
  form: Record<string, string>
}

export type DashboardHandler = (
  c: Context<GatewayEnv>,
  request: DashboardRequest,
) => Response | Promise<Response>

/** Whether the request comes from htmx (and so wants a fragment or HX-* headers). */
export function isHtmx(c: Context<GatewayEnv>): boolean {
  return c.req.header('hx-request') === 'true'
}

/** The prefixed login URL, with a `next` that brings the user back. */
export function loginUrl(c: Context<GatewayEnv>, next?: string): string {
  const login = url(c, '/dashboard/login')
  return next ? `${login}?next=${encodeURIComponent(next)}` : login
}

async function readForm(c: Context<GatewayEnv>): Promise<Record<string, string>> {
  const type = c.req.header('content-type') ?? ''
  if (!type.startsWith('application/x-www-form-urlencoded') && !type.startsWith('multipart/form-data'))
    return {}
  const body = await c.req.parseBody()
  const form: Record<string, string> = {}
  for (const [key, value] of Object.entries(body)) if (typeof value === 'string') form[key] = value
  return form
}

function unauthenticated(c: Context<GatewayEnv>): Response {
  if (isHtmx(c)) {
    // htmx cannot follow a redirect to a full page: tell it where to go instead.
    const current = c.req.header('hx-current-url')
    let next: string | undefined
    if (current) {
      try {
        const parsed = new URL(current)
        if (parsed.origin === c.var.origin.publicOrigin) next = `${parsed.pathname}${parsed.search}`
      } catch {
        next = undefined
      }
    }
    const safe = next ? safeNext(c, next) : undefined
    c.header('HX-Redirect', loginUrl(c, safe))
    return c.body(null, 204)
  }
  const next = c.req.method === 'GET' ? safeNext(c, currentPublicPath(c)) : undefined
  return c.redirect(loginUrl(c, next), c.req.method === 'GET' ? 302 : 303)
}

function refused(
  c: Context<GatewayEnv>,
  user: DashboardUser | undefined,
  status: 403,
  message: string,
): Response | Promise<Response> {
  if (isHtmx(c)) {
    c.header('HX-Reswap', 'none')
    return c.text(message, status)
  }
  return c.html(renderErrorPage(c, { user, status, title: 'Not allowed', message }), status)
}

/**
 * Adds a dashboard route: registered with its identity (surface `dashboard`, hidden from
 * OpenAPI), answered 404 while the dashboard is off, sign-in enforced (redirect, or `204` +
 * `HX-Redirect` for htmx), CSRF checked on every POST, admin routes refused to users, and
 * failures shown as friendly pages — never stack traces.
 */
export function addDashboardRoute(
  app: OpenAPIHono<GatewayEnv>,
  table: RouteTable,
  options: DashboardRouteOptions,
  handler: DashboardHandler,
): void {
  table.add({
    id: options.id,
    surface: 'dashboard',
    scopes: [],
    public: true,
    method: options.method,
    path: options.path,
  })
  app.on(options.method, options.path, async function dashboardRoute(c) {
    const dashboard = c.var.runtime.dashboard
    if (!dashboard) return errorResponse(c, new GatewayError('route_not_found'))
    c.header('Cache-Control', 'no-store')
    c.header('Vary', 'HX-Request')
    let user: DashboardUser | undefined
    try {
      user = await readDashboardUser(c, dashboard)
      if (!user && options.access !== 'public') return unauthenticated(c)
      const form = options.method === 'POST' ? await readForm(c) : {}
      if (options.method === 'POST' && options.access !== 'public') {
        if (!checkCsrf(c, user?.csrfToken, form._csrf))
          return refused(c, user, 403, 'This request did not come from the dashboard (CSRF check failed).')
      }
      if (options.access === 'admin' && user?.role !== 'admin')
        return refused(c, user, 403, 'This page is for administrators.')
      return await handler(c, { dashboard, user, form })
    } catch (error) {
      const safe = toGatewayError(error)
      if (safe.code === 'internal_error')
        c.var.runtime.logger.error({ err: error, route: options.id }, 'dashboard request failed')
      if (isHtmx(c)) {
        c.header('HX-Reswap', 'none')
        return c.text(safe.message, safe.status as 400)
      }
      return c.html(
        renderErrorPage(c, {
          user,
          status: safe.status,
          title: 'Something went wrong',
          message: safe.message,
        }),
        safe.status as 400,
      )
    }
  })
}
