import type { OpenAPIHono } from '@hono/zod-openapi'
import { formatConfigIssue } from '../../core/errors.ts'
import type { GatewayEnv } from '../../http/gateway-env.ts'
import type { RouteTable } from '../../http/route-table.ts'
import { url } from '../../http/url.ts'
import { addDashboardRoute } from '../dashboard-route.ts'
import { renderErrorPage } from '../views/error-page.ts'

/** `POST /dashboard/reload` (admins): the sidebar's "Reload workspace" button, like `POST /v1/reload`. */
export function registerReloadRoutes(app: OpenAPIHono<GatewayEnv>, table: RouteTable): void {
  addDashboardRoute(
    app,
    table,
    { id: 'dashboard.workspace_reload', method: 'POST', path: '/dashboard/reload', access: 'admin' },
    async (c, { user }) => {
      const result = await c.var.runtime.reloader.reload()
      if (result.status === 'reloaded') return c.redirect(url(c, '/dashboard/agents'), 303)
      const problems = result.diagnostics
        .filter((diagnostic) => diagnostic.severity === 'error')
        .map(formatConfigIssue)
      return c.html(
        renderErrorPage(c, {
          user,
          status: 422,
          title: 'Reload refused',
          message: `The workspace has errors; version ${result.version} keeps serving. ${problems.join(' · ')}`,
        }),
        422,
      )
    },
  )
}
