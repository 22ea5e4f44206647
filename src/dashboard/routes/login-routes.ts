import type { OpenAPIHono } from '@hono/zod-openapi'
import type { GatewayEnv } from '../../http/gateway-env.ts'
import type { RouteTable } from '../../http/route-table.ts'
import { url } from '../../http/url.ts'
import { checkCsrf } from '../check-csrf.ts'
import { dashboardCookieNames, readDashboardCookie } from '../dashboard-cookies.ts'
import { addDashboardRoute, loginUrl } from '../dashboard-route.ts'
import { endDashboardSession, ensureCsrfCookie, startDashboardSession } from '../dashboard-user.ts'
import { safeNext } from '../safe-next.ts'
import { renderLoginPage } from '../views/login-page.ts'

/** `GET/POST /dashboard/login` (password sign-in) and `POST /dashboard/logout`. */
export function registerLoginRoutes(app: OpenAPIHono<GatewayEnv>, table: RouteTable): void {
  addDashboardRoute(
    app,
    table,
    { id: 'dashboard.login', method: 'GET', path: '/dashboard/login', access: 'public' },
    async (c, { dashboard, user }) => {
      const next = safeNext(c, c.req.query('next'))
      if (user) return c.redirect(next, 302)
      const csrfToken = await ensureCsrfCookie(c, dashboard)
      return c.html(renderLoginPage(c, { dashboard, csrfToken, next }))
    },
  )

  addDashboardRoute(
    app,
    table,
    { id: 'dashboard.login_submit', method: 'POST', path: '/dashboard/login', access: 'public' },
    async (c, { dashboard, form }) => {
      const next = safeNext(c, form.next)
      if (!dashboard.config.auth.enabled) return c.redirect(next, 303)
      // Before sign-in there is no session: the token is the double-submit cookie's.
      const cookieToken = await readDashboardCookie(c, dashboard, dashboardCookieNames(dashboard).csrf)
      const csrfToken = await ensureCsrfCookie(c, dashboard)
      if (!checkCsrf(c, cookieToken, form._csrf)) {
        return c.html(
          renderLoginPage(c, {
            dashboard,
            csrfToken,
            next,
            error: 'The form expired. Please sign in again.',
          }),
          403,
        )
      }
      const username = (form.username ?? '').trim()
      const password = form.password ?? ''
      const clientIp = c.var.origin.clientIp
      const waitSeconds = await dashboard.throttle.reserve(clientIp, username)
      if (waitSeconds !== undefined) {
        c.header('Retry-After', String(waitSeconds))
        return c.html(
          renderLoginPage(c, {
            dashboard,
            csrfToken,
            next,
            username,
            error: `Too many failed sign-ins. Try again in ${waitSeconds} s.`,
          }),
          429,
        )
      }
      const role = await dashboard.passwords.verify(username, password)
      if (!role) {
        c.var.runtime.logger.info({ clientIp, reason: 'bad_password' }, 'dashboard sign-in refused')
        return c.html(
          renderLoginPage(c, { dashboard, csrfToken, next, username, error: 'Wrong username or password.' }),
          401,
        )
      }
      await dashboard.throttle.release(clientIp, username)
      await startDashboardSession(c, dashboard, {
        principalId: `user:${username}`,
        username,
        displayName: username,
        email: null,
        subject: null,
        authMethod: 'password',
        role,
      })
      c.var.runtime.logger.info({ principal: `user:${username}`, role }, 'dashboard sign-in')
      return c.redirect(next, 303)
    },
  )

  addDashboardRoute(
    app,
    table,
    { id: 'dashboard.logout', method: 'POST', path: '/dashboard/logout', access: 'user' },
    async (c, { dashboard, user }) => {
      if (user) await endDashboardSession(c, dashboard, user)
      return c.redirect(dashboard.config.auth.enabled ? loginUrl(c) : url(c, '/dashboard/'), 303)
    },
  )
}
