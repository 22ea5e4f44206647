import type { OpenAPIHono } from '@hono/zod-openapi'
import { GatewayError } from '../../core/errors.ts'
import type { GatewayEnv } from '../../http/gateway-env.ts'
import type { RouteTable } from '../../http/route-table.ts'
import { addDashboardRoute } from '../dashboard-route.ts'
import type { DashboardUser } from '../dashboard-user.ts'
import { conversationBody, conversationsBody } from '../views/conversations-page.ts'
import { renderPage } from '../views/layout.ts'
import { visibleTo } from './executions-routes.ts'

/** Conversations (chat sessions): users see their own, admins everyone's. */
export function registerConversationsRoutes(app: OpenAPIHono<GatewayEnv>, table: RouteTable): void {
  addDashboardRoute(
    app,
    table,
    { id: 'dashboard.conversations', method: 'GET', path: '/dashboard/conversations', access: 'user' },
    async (c, request) => {
      const user = request.user as DashboardUser
      const sessions = await c.var.runtime.sessions.list({ ownerId: visibleTo(user), limit: 100 })
      return c.html(
        renderPage(c, {
          user,
          title: 'Conversations',
          active: 'conversations',
          body: conversationsBody(c, sessions, user.role === 'admin'),
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
      const id = c.req.param('id') ?? ''
      const session = await runtime.sessions.get(id)
      const owner = visibleTo(user)
      if (!session || (owner !== undefined && session.ownerId !== owner))
        throw new GatewayError('session_not_found', { message: 'This conversation does not exist.' })
      const { items } = await runtime.executions.store.list({ sessionId: id, principalId: owner, limit: 100 })
      return c.html(
        renderPage(c, {
          user,
          title: 'Conversation',
          active: 'conversations',
          body: conversationBody(c, session, items, session.ownerId === user.principal.id),
        }),
      )
    },
  )
}
