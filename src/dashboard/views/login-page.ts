import type { Context } from 'hono'
import { html } from 'hono/html'
import type { GatewayEnv } from '../../http/gateway-env.ts'
import { url } from '../../http/url.ts'
import type { DashboardService } from '../../services/dashboard-auth/create-dashboard-service.ts'
import { brand, type Html, pageHead } from './layout.ts'

export interface LoginPageOptions {
  dashboard: DashboardService
  csrfToken: string
  /** Where to go after signing in (already checked by `safeNext`). */
  next: string
  /** A message for the user (never raw exception text). */
  error?: string | undefined
  username?: string | undefined
}

function passwordForm(c: Context<GatewayEnv>, options: LoginPageOptions, label: string): Html {
  return html`<form method="post" action="${url(c, '/dashboard/login')}" class="stack" data-testid="password-form">
    <input type="hidden" name="_csrf" value="${options.csrfToken}" />
    <input type="hidden" name="next" value="${options.next}" />
    <label>Username <input name="username" autocomplete="username" required value="${options.username ?? ''}" /></label>
    <label>Password <input name="password" type="password" autocomplete="current-password" required /></label>
    <button type="submit" class="button primary">${label}</button>
  </form>`
}

/**
 * The sign-in page: an SSO button when SSO is configured (with a break-glass admin form beside
 * it when admin credentials exist), otherwise the password form.
 */
export function renderLoginPage(c: Context<GatewayEnv>, options: LoginPageOptions): Html {
  const { dashboard } = options
  const auth = dashboard.config.auth
  const sso = dashboard.oidc !== undefined
  const authorize = `${url(c, '/dashboard/oauth2/authorize')}?next=${encodeURIComponent(options.next)}`
  let forms: Html
  if (sso) {
    forms = html`<a class="button primary wide" href="${authorize}" data-testid="sso-button">${auth.loginButtonText}</a>
      ${
        dashboard.passwords.adminEnabled || dashboard.passwords.userEnabled
          ? html`<details class="break-glass" ${options.username ? 'open' : ''}>
              <summary class="break-glass-summary">${dashboard.passwords.userEnabled ? 'Sign in with a password' : 'Administrator sign-in'}</summary>
              ${passwordForm(c, options, 'Sign in')}
            </details>`
          : ''
      }`
  } else {
    forms = passwordForm(c, options, 'Sign in')
  }
  return html`<!doctype html>
<html lang="en" data-theme-mode="auto">
  <head>
    ${pageHead(c, 'Sign in', undefined)}
  </head>
  <body class="centered">
    <main class="card login-card">
      ${brand(c)}
      <h1>Sign in</h1>
      ${options.error ? html`<p class="alert" role="alert" data-testid="login-error">${options.error}</p>` : ''}
      ${forms}
    </main>
  </body>
</html>`
}
