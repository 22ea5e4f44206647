import type { OpenAPIHono } from '@hono/zod-openapi'
import type { GatewayEnv } from '../http/gateway-env.ts'
import type { RouteTable } from '../http/route-table.ts'
import { url } from '../http/url.ts'
import { addDashboardRoute } from './dashboard-route.ts'
import { registerAgentsRoutes } from './routes/agents-routes.ts'
import { registerAnalyticsRoutes } from './routes/analytics-routes.ts'
import { registerApprovalsRoutes } from './routes/approvals-routes.ts'
import { registerChatRoutes } from './routes/chat-routes.ts'
import { registerConversationsRoutes } from './routes/conversations-routes.ts'
import { registerExecutionsRoutes } from './routes/executions-routes.ts'
import { registerLoginRoutes } from './routes/login-routes.ts'
import { registerMcpServersRoutes } from './routes/mcp-servers-routes.ts'
import { registerNotificationsRoutes } from './routes/notifications-routes.ts'
import { registerOauth2Routes } from './routes/oauth2-routes.ts'
import { registerReloadRoutes } from './routes/reload-routes.ts'
import { registerSchedulesRoutes } from './routes/schedules-routes.ts'
import { registerSetupRoutes } from './routes/setup-routes.ts'
import { registerStaticRoutes } from './routes/static-routes.ts'

/**
 * The dashboard's routes, under `/dashboard` relative to the gateway (so under the public prefix
 * wherever it is mounted). They exist on every gateway and answer 404 while `dashboard.enabled`
 * is false. Surface `dashboard`: the API's authentication skips them (they use the dashboard's
 * own sign-in), they get the nonce-based CSP and they are not in the OpenAPI document.
 */
export function registerDashboardRoutes(app: OpenAPIHono<GatewayEnv>, table: RouteTable): void {
  addDashboardRoute(
    app,
    table,
    { id: 'dashboard.root', method: 'GET', path: '/dashboard', access: 'public' },
    (c) => c.redirect(url(c, '/dashboard/'), 302),
  )
  registerStaticRoutes(app, table)
  registerLoginRoutes(app, table)
  registerOauth2Routes(app, table)
  registerAgentsRoutes(app, table)
  registerSetupRoutes(app, table)
  registerChatRoutes(app, table)
  registerExecutionsRoutes(app, table)
  registerApprovalsRoutes(app, table)
  registerConversationsRoutes(app, table)
  registerSchedulesRoutes(app, table)
  registerNotificationsRoutes(app, table)
  registerAnalyticsRoutes(app, table)
  registerMcpServersRoutes(app, table)
  registerReloadRoutes(app, table)
}
