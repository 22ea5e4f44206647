import type { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { html } from 'hono/html'
import type { GatewayEnv } from '../../http/gateway-env.ts'
import type { RouteTable } from '../../http/route-table.ts'
import { redirectUriUrl, url } from '../../http/url.ts'
import type { DashboardService } from '../../services/dashboard-auth/create-dashboard-service.ts'
import { type OidcFlowState, OidcLoginError } from '../../services/dashboard-auth/create-oidc-login.ts'
import {
  clearDashboardCookie,
  dashboardCookieNames,
  readDashboardCookie,
  setDashboardCookie,
} from '../dashboard-cookies.ts'
import { addDashboardRoute } from '../dashboard-route.ts'
import { ensureCsrfCookie, startDashboardSession } from '../dashboard-user.ts'
import { safeNext } from '../safe-next.ts'
import { renderLoginPage } from '../views/login-page.ts'

/** The flow cookie lives ten minutes: long enough to sign in at the provider, short enough to be useless later. */
const flowMaxAgeSeconds = 600
const callbackPath = '/dashboard/oauth2/callback'

function decodeFlow(value: string | undefined): OidcFlowState | undefined {
  if (!value) return undefined
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Partial<OidcFlowState>
    if (
      typeof parsed.state === 'string' &&
      typeof parsed.nonce === 'string' &&
      typeof parsed.codeVerifier === 'string' &&
      typeof parsed.next === 'string'
    )
      return parsed as OidcFlowState
  } catch {
    return undefined
  }
  return undefined
}

async function loginError(
  c: Context<GatewayEnv>,
  dashboard: DashboardService,
  next: string,
  message: string,
  status: 400 | 502,
): Promise<Response> {
  const csrfToken = await ensureCsrfCookie(c, dashboard)
  return c.html(renderLoginPage(c, { dashboard, csrfToken, next, error: message }), status)
}

/**
 * SSO: `GET /dashboard/oauth2/authorize` starts the authorization code flow (PKCE + state +
 * nonce, kept in a signed HttpOnly cookie scoped to `/dashboard/oauth2`), and
 * `GET /dashboard/oauth2/callback` completes it. The redirect URI is this request's public URL of
 * the callback, logged on every start so operators know exactly what to register.
 */
export function registerOauth2Routes(app: OpenAPIHono<GatewayEnv>, table: RouteTable): void {
  const flowCookiePath = (c: Context<GatewayEnv>) => url(c, '/dashboard/oauth2')

  addDashboardRoute(
    app,
    table,
    {
      id: 'dashboard.oauth2_authorize',
      method: 'GET',
      path: '/dashboard/oauth2/authorize',
      access: 'public',
    },
    async (c, { dashboard }) => {
      const next = safeNext(c, c.req.query('next'))
      if (!dashboard.oidc) return c.redirect(url(c, '/dashboard/login'), 302)
      const redirectUri = redirectUriUrl(c, callbackPath)
      c.var.runtime.logger.info(
        { redirectUri },
        'SSO sign-in started; the provider must list this redirect URI',
      )
      try {
        const { url: providerUrl, flow } = await dashboard.oidc.start(redirectUri, next)
        await setDashboardCookie(
          c,
          dashboard,
          dashboardCookieNames(dashboard).oidc,
          Buffer.from(JSON.stringify(flow)).toString('base64url'),
          // Lax whatever the session cookie says: the provider sends the browser back cross-site.
          { path: flowCookiePath(c), maxAge: flowMaxAgeSeconds, sameSite: 'lax' },
        )
        return c.redirect(providerUrl, 302)
      } catch (error) {
        if (error instanceof OidcLoginError) return loginError(c, dashboard, next, error.message, 502)
        throw error
      }
    },
  )

  addDashboardRoute(
    app,
    table,
    { id: 'dashboard.oauth2_callback', method: 'GET', path: callbackPath, access: 'public' },
    async (c, { dashboard }) => {
      const names = dashboardCookieNames(dashboard)
      const flow = decodeFlow(await readDashboardCookie(c, dashboard, names.oidc))
      clearDashboardCookie(c, dashboard, names.oidc, flowCookiePath(c))
      const home = url(c, '/dashboard/')
      if (!dashboard.oidc) return c.redirect(url(c, '/dashboard/login'), 302)
      if (!flow) {
        return loginError(
          c,
          dashboard,
          home,
          'The sign-in expired or was started in another browser. Please try again.',
          400,
        )
      }
      const callbackUrl = new URL(redirectUriUrl(c, callbackPath))
      callbackUrl.search = new URL(c.req.url).search
      let identity: Awaited<ReturnType<typeof dashboard.oidc.finish>>
      try {
        identity = await dashboard.oidc.finish(callbackUrl, flow)
      } catch (error) {
        if (error instanceof OidcLoginError) return loginError(c, dashboard, flow.next, error.message, 400)
        throw error
      }
      const role = dashboard.isSsoAdmin(identity) ? 'admin' : 'user'
      const principalId = `sso:${identity.subject}`
      await startDashboardSession(c, dashboard, {
        principalId,
        username: identity.email ?? identity.subject,
        displayName: identity.name ?? identity.email ?? identity.subject,
        email: identity.email,
        subject: identity.subject,
        authMethod: 'sso',
        role,
      })
      c.var.runtime.logger.info({ principal: principalId, role }, 'dashboard SSO sign-in')
      const next = safeNext(c, flow.next)
      if (dashboard.config.auth.sessionCookieSameSite === 'strict') {
        // A redirect chain that began at the provider is cross-site, so a Strict cookie would not
        // be sent on it; a same-site navigation from this page carries it.
        return c.html(html`<!doctype html>
<html lang="en">
  <head>
    <meta http-equiv="refresh" content="0;url=${next}" />
    <title>Signed in</title>
  </head>
  <body>
    <p><a href="${next}">Continue to the dashboard</a></p>
  </body>
</html>`)
      }
      return c.redirect(next, 303)
    },
  )
}
