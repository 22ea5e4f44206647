import type { OpenAPIHono } from '@hono/zod-openapi'
import { canChange, seesEverything } from '../../core/authorization.ts'
import type { GatewayEnv } from '../../http/gateway-env.ts'
import type { RouteTable } from '../../http/route-table.ts'
import { addDashboardRoute } from '../dashboard-route.ts'
import type { DashboardUser } from '../dashboard-user.ts'
import { conversationBody, conversationsBody } from '../views/conversations-page.ts'
import { renderPage } from '../views/layout.ts'

/** Conversations (chat sessions): users see their own, admins everyone's. */
export function registerConversationsRoutes(app: OpenAPIHono<GatewayEnv>, table: RouteTable): void {
  addDashboardRoute(
    app,
    table,
    { id: 'dashboard.conversations', method: 'GET', path: '/dashboard/conversations', access: 'user' },
    async (c, request) => {
      const user = request.user as DashboardUser
      const sessions = await c.var.runtime.sessions.listVisible({ limit: 100 }, user.viewer)
      return c.html(
        renderPage(c, {
          user,
          title: 'Conversations',
          active: 'conversations',
          // Whose conversations they are matters only to someone who sees more than their own.
          body: conversationsBody(c, sessions, seesEverything(user.viewer)),
        }),
      )
    },
  )

  addDashboardRoute(
    app,
    table,
    { id: 'dashboard.conversation', method: 'GET', path: '/dashboard/conversations/:id', access: 'user' },
    async (c, request) => {
      const user = request.user as DashboardUser
      const runtime = c.var.runtime
      const session = await runtime.sessions.getVisible(c.req.param('id') ?? '', user.viewer)
      const { items } = await runtime.executions.listVisible(
        { sessionId: session.id, limit: 100 },
        user.viewer,
      )
      return c.html(
        renderPage(c, {
          user,
          title: 'Conversation',
          active: 'conversations',
          body: conversationBody(c, session, items, canChange(user.viewer, session.ownerId)),
        }),
      )
    },
  )
}
