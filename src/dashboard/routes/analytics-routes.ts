import type { OpenAPIHono } from '@hono/zod-openapi'
import type { GatewayEnv } from '../../http/gateway-env.ts'
import type { RouteTable } from '../../http/route-table.ts'
import { addDashboardRoute } from '../dashboard-route.ts'
import type { DashboardUser } from '../dashboard-user.ts'
import { analyticsBody, analyticsPeriods } from '../views/analytics-page.ts'
import { renderPage } from '../views/layout.ts'

const dayMs = 86_400_000

/** `GET /dashboard/analytics?days=7|30|90` (admins): aggregates computed by the store in SQL. */
export function registerAnalyticsRoutes(app: OpenAPIHono<GatewayEnv>, table: RouteTable): void {
  addDashboardRoute(
    app,
    table,
    { id: 'dashboard.analytics', method: 'GET', path: '/dashboard/analytics', access: 'admin' },
    async (c, request) => {
      const requested = Number(c.req.query('days') ?? 30)
      const days = (analyticsPeriods as readonly number[]).includes(requested) ? requested : 30
      // Whole UTC days: the first day of the period starts at midnight.
      const since = (Math.floor(Date.now() / dayMs) - (days - 1)) * dayMs
      const user = request.user as DashboardUser
      const stats = await c.var.runtime.executions.statsVisible({ since }, user.viewer)
      return c.html(
        renderPage(c, {
          user,
          title: 'Analytics',
          active: 'analytics',
          body: analyticsBody(c, stats, days),
        }),
      )
    },
  )
}
