import type { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { canChange } from '../../core/authorization.ts'
import { toGatewayError } from '../../core/errors.ts'
import type { GatewayEnv } from '../../http/gateway-env.ts'
import type { RouteTable } from '../../http/route-table.ts'
import { url } from '../../http/url.ts'
import { addDashboardRoute } from '../dashboard-route.ts'
import type { DashboardUser } from '../dashboard-user.ts'
import { renderPage } from '../views/layout.ts'
import {
  emptyScheduleForm,
  type ScheduleForm,
  scheduleBody,
  schedulePath,
  schedulesBody,
} from '../views/schedules-page.ts'

const recentRuns = 20

function readForm(form: Record<string, string>): ScheduleForm {
  return {
    agent_id: (form.agent_id ?? '').trim(),
    name: (form.name ?? '').trim(),
    cron: (form.cron ?? '').trim(),
    timezone: (form.timezone ?? '').trim(),
    message: form.message ?? '',
  }
}

/** A refusal the user can fix (bad cron, unknown agent, a workspace schedule…); anything else rethrows. */
function userError(error: unknown): string {
  const safe = toGatewayError(error)
  if (safe.status >= 500 || safe.status === 404) throw error
  return safe.message
}

async function listPage(
  c: Context<GatewayEnv>,
  user: DashboardUser,
  extra: { form?: ScheduleForm; error?: string } = {},
) {
  const runtime = c.var.runtime
  const items = await runtime.schedules.listVisible(user.viewer)
  return renderPage(c, {
    user,
    title: user.role === 'admin' ? 'Schedules' : 'My schedules',
    active: 'schedules',
    body: schedulesBody(c, {
      items,
      user,
      agentIds: runtime.workspace.agents.map((agent) => agent.id),
      canChange: (record) => canChange(user.viewer, record.ownerId),
      form: extra.form ?? emptyScheduleForm,
      error: extra.error,
    }),
  })
}

async function detailPage(
  c: Context<GatewayEnv>,
  user: DashboardUser,
  id: string,
  extra: { form?: ScheduleForm; error?: string } = {},
) {
  const schedules = c.var.runtime.schedules
  const record = await schedules.getVisible(id, user.viewer)
  const runs = await schedules.runs(id, user.viewer, recentRuns)
  return renderPage(c, {
    user,
    title: `Schedule ${record.name}`,
    active: 'schedules',
    body: scheduleBody(c, {
      record,
      runs,
      user,
      canChange: canChange(user.viewer, record.ownerId),
      form: extra.form,
      error: extra.error,
    }),
  })
}

/**
 * Schedules: admins see every schedule and manage admin ones, users see and manage their own
 * ("my schedules"). Every read and change goes through the schedule service, so ownership is
 * decided by the one policy; workspace schedules can only be paused and resumed.
 */
export function registerSchedulesRoutes(app: OpenAPIHono<GatewayEnv>, table: RouteTable): void {
  addDashboardRoute(
    app,
    table,
    { id: 'dashboard.schedules', method: 'GET', path: '/dashboard/schedules', access: 'user' },
    async (c, request) => c.html(await listPage(c, request.user as DashboardUser)),
  )

  addDashboardRoute(
    app,
    table,
    { id: 'dashboard.schedule_create', method: 'POST', path: '/dashboard/schedules', access: 'user' },
    async (c, request) => {
      const user = request.user as DashboardUser
      const form = readForm(request.form)
      try {
        const record = await c.var.runtime.schedules.create(
          {
            agentId: form.agent_id,
            name: form.name,
            cron: form.cron,
            timezone: form.timezone || null,
            message: form.message,
          },
          user.viewer,
        )
        return c.redirect(url(c, schedulePath(record.id)), 303)
      } catch (error) {
        return c.html(await listPage(c, user, { form, error: userError(error) }), 400)
      }
    },
  )

  addDashboardRoute(
    app,
    table,
    { id: 'dashboard.schedule', method: 'GET', path: '/dashboard/schedules/:id', access: 'user' },
    async (c, request) => c.html(await detailPage(c, request.user as DashboardUser, c.req.param('id') ?? '')),
  )

  addDashboardRoute(
    app,
    table,
    { id: 'dashboard.schedule_edit', method: 'POST', path: '/dashboard/schedules/:id/edit', access: 'user' },
    async (c, request) => {
      const user = request.user as DashboardUser
      const id = c.req.param('id') ?? ''
      const form = readForm(request.form)
      try {
        await c.var.runtime.schedules.update(
          id,
          { cron: form.cron, timezone: form.timezone || null, message: form.message },
          user.viewer,
        )
        return c.redirect(url(c, schedulePath(id)), 303)
      } catch (error) {
        return c.html(await detailPage(c, user, id, { form, error: userError(error) }), 400)
      }
    },
  )

  addDashboardRoute(
    app,
    table,
    {
      id: 'dashboard.schedule_delete',
      method: 'POST',
      path: '/dashboard/schedules/:id/delete',
      access: 'user',
    },
    async (c, request) => {
      const user = request.user as DashboardUser
      const id = c.req.param('id') ?? ''
      try {
        await c.var.runtime.schedules.delete(id, user.viewer)
      } catch (error) {
        return c.html(await detailPage(c, user, id, { error: userError(error) }), 400)
      }
      return c.redirect(url(c, '/dashboard/schedules'), 303)
    },
  )

  for (const action of ['pause', 'resume', 'trigger'] as const) {
    addDashboardRoute(
      app,
      table,
      {
        id: `dashboard.schedule_${action}`,
        method: 'POST',
        path: `/dashboard/schedules/:id/${action}`,
        access: 'user',
      },
      async (c, request) => {
        const user = request.user as DashboardUser
        const id = c.req.param('id') ?? ''
        const schedules = c.var.runtime.schedules
        if (action === 'trigger') await schedules.trigger(id, user.viewer)
        else await schedules.setEnabled(id, action === 'resume', user.viewer)
        return c.redirect(url(c, schedulePath(id)), 303)
      },
    )
  }
}
