import type { OpenAPIHono } from '@hono/zod-openapi'
import { canChange } from '../../core/authorization.ts'
import { isNotificationEventType } from '../../core/notifications/notification-events.ts'
import type { DeliveryChannel, DeliveryStatus } from '../../core/ports/delivery-log.ts'
import type { GatewayEnv } from '../../http/gateway-env.ts'
import type { RouteTable } from '../../http/route-table.ts'
import { url } from '../../http/url.ts'
import { addDashboardRoute } from '../dashboard-route.ts'
import type { DashboardUser } from '../dashboard-user.ts'
import { renderPage } from '../views/layout.ts'
import {
  type DeliveryFilterForm,
  deliveryBody,
  deliveryChannels,
  deliveryStatuses,
  notificationsBody,
} from '../views/notifications-page.ts'

const pageSize = 50

const oneOf = <T extends string>(values: readonly T[], value: string | undefined): T | undefined =>
  values.find((candidate) => candidate === value)

/** The delivery log: users see deliveries of their own executions, admins everyone's. */
export function registerNotificationsRoutes(app: OpenAPIHono<GatewayEnv>, table: RouteTable): void {
  addDashboardRoute(
    app,
    table,
    { id: 'dashboard.notifications', method: 'GET', path: '/dashboard/notifications', access: 'user' },
    async (c, request) => {
      const user = request.user as DashboardUser
      const runtime = c.var.runtime
      const agentIds = runtime.workspace.agents.map((agent) => agent.id)
      const status = oneOf<DeliveryStatus>(deliveryStatuses, c.req.query('status'))
      const channel = oneOf<DeliveryChannel>(deliveryChannels, c.req.query('channel'))
      const agentId = oneOf(agentIds, c.req.query('agent_id'))
      const eventText = c.req.query('event') ?? ''
      const event = isNotificationEventType(eventText) ? eventText : undefined
      const offset = Math.min(Math.max(Number.parseInt(c.req.query('offset') ?? '0', 10) || 0, 0), 1_000_000)
      const filters: DeliveryFilterForm = {
        status: status ?? '',
        channel: channel ?? '',
        agent_id: agentId ?? '',
        event: event ?? '',
      }
      const page = await runtime.notifications.listVisible(
        { status, channel, agentId, event, limit: pageSize, offset },
        user.viewer,
      )
      return c.html(
        renderPage(c, {
          user,
          title: 'Notifications',
          active: 'notifications',
          body: notificationsBody(c, { ...page, offset, limit: pageSize, filters, agentIds }),
        }),
      )
    },
  )

  addDashboardRoute(
    app,
    table,
    { id: 'dashboard.notification', method: 'GET', path: '/dashboard/notifications/:id', access: 'user' },
    async (c, request) => {
      const user = request.user as DashboardUser
      const { delivery, attempts } = await c.var.runtime.notifications.getVisible(
        c.req.param('id') ?? '',
        user.viewer,
      )
      return c.html(
        renderPage(c, {
          user,
          title: 'Notification delivery',
          active: 'notifications',
          body: deliveryBody(c, {
            delivery,
            attempts,
            user,
            canRedeliver: canChange(user.viewer, delivery.principalId),
          }),
        }),
      )
    },
  )

  addDashboardRoute(
    app,
    table,
    {
      id: 'dashboard.notification_redeliver',
      method: 'POST',
      path: '/dashboard/notifications/:id/redeliver',
      access: 'user',
    },
    async (c, request) => {
      const user = request.user as DashboardUser
      const runtime = c.var.runtime
      const delivery = await runtime.notifications.redeliver(c.req.param('id') ?? '', user.viewer)
      await runtime.audit.record({
        eventType: 'notification.redelivered',
        actor: user.principal.id,
        resourceType: 'notification_delivery',
        resourceId: delivery.id,
        metadata: { executionId: delivery.executionId },
        ipAddress: c.var.origin.clientIp ?? null,
      })
      return c.redirect(url(c, `/dashboard/notifications/${encodeURIComponent(delivery.id)}`), 303)
    },
  )
}
