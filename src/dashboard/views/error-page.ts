import type { Context } from 'hono'
import { html } from 'hono/html'
import type { GatewayEnv } from '../../http/gateway-env.ts'
import { url } from '../../http/url.ts'
import type { DashboardUser } from '../dashboard-user.ts'
import { type Html, pageHead, renderPage } from './layout.ts'

export interface ErrorPageOptions {
  user: DashboardUser | undefined
  status: number
  title: string
  /** Safe, user-facing text (never an exception's message unless it is a GatewayError's). */
  message: string
}

/** A friendly error page; inside the dashboard frame when someone is signed in. */
export function renderErrorPage(c: Context<GatewayEnv>, options: ErrorPageOptions): Html {
  const body = html`<section class="empty-state error-state">
    <h1>${options.title}</h1>
    <p>${options.message}</p>
    <p class="muted">HTTP ${options.status}</p>
    <a class="button" href="${url(c, '/dashboard/')}">Back to the dashboard</a>
  </section>`
  if (options.user)
    return renderPage(c, { user: options.user, title: options.title, active: undefined, body })
  return html`<!doctype html>
<html lang="en" data-theme-mode="auto">
  <head>
    ${pageHead(c, options.title, undefined)}
  </head>
  <body class="centered">
    <main class="card narrow">${body}</main>
  </body>
</html>`
}
