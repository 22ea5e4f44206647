import type { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { GatewayError } from '../../core/errors.ts'
import type { GatewayEnv } from '../../http/gateway-env.ts'
import type { RouteTable } from '../../http/route-table.ts'
import { url } from '../../http/url.ts'
import { toMcpServerInput, toMcpServerSettings } from '../../services/mcp/parse-mcp-server-input.ts'
import { addDashboardRoute } from '../dashboard-route.ts'
import type { DashboardUser } from '../dashboard-user.ts'
import { renderPage } from '../views/layout.ts'
import { type McpPageOptions, mcpServersBody } from '../views/mcp-servers-page.ts'

type Notice = McpPageOptions['notice']

/** A JSON object of strings typed into a form, or a message saying what is wrong. */
function jsonMap(text: string | undefined, field: string): Record<string, string> | undefined {
  if (!text || text.trim() === '') return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new GatewayError('validation_failed', {
      message: `${field} must be a JSON object, e.g. {"NAME": "value"}.`,
    })
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new GatewayError('validation_failed', { message: `${field} must be a JSON object.` })
  for (const value of Object.values(parsed))
    if (typeof value !== 'string')
      throw new GatewayError('validation_failed', { message: `${field} values must be strings.` })
  return parsed as Record<string, string>
}

/** The form's fields as the admin API's body; blank fields are left out. */
function formInput(form: Record<string, string>): Record<string, unknown> {
  const text = (name: string) => {
    const value = (form[name] ?? '').trim()
    return value === '' ? undefined : value
  }
  const env = jsonMap(form.env, 'Environment')
  const headers = jsonMap(form.headers, 'Headers')
  return {
    transport: text('transport'),
    command: text('command'),
    args: (form.args ?? '')
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter(Boolean),
    url: text('url'),
    enabled: form.enabled === 'true',
    ...(env ? { env } : {}),
    ...(headers ? { headers } : {}),
  }
}

function problemText(error: unknown): string {
  if (error instanceof GatewayError) {
    const details = (error.details ?? []).map(
      (detail) => `${detail.path.replace(/^\/body\//, '')}: ${detail.message}`,
    )
    return [error.message, ...details].join(' ')
  }
  throw error
}

/** `/dashboard/mcp-servers` (admins): the servers, their status and tools; add, edit, test, refresh, delete. */
export function registerMcpServersRoutes(app: OpenAPIHono<GatewayEnv>, table: RouteTable): void {
  const page = async (
    c: Context<GatewayEnv>,
    user: DashboardUser,
    notice?: Notice,
    status: 200 | 422 = 200,
  ) => {
    const servers = await c.var.runtime.mcpServers.list()
    return c.html(
      renderPage(c, {
        user,
        title: 'MCP servers',
        active: 'mcp',
        body: mcpServersBody(c, { servers, user, notice }),
      }),
      status,
    )
  }
  const back = (c: Context<GatewayEnv>) => c.redirect(url(c, '/dashboard/mcp-servers'), 303)
  const audit = (c: Context<GatewayEnv>, user: DashboardUser, eventType: string, name: string) =>
    c.var.runtime.audit.record({
      eventType,
      actor: user.principal.id,
      resourceType: 'mcp_server',
      resourceId: name,
      metadata: {},
      ipAddress: c.var.origin.clientIp ?? null,
    })

  addDashboardRoute(
    app,
    table,
    { id: 'dashboard.mcp_servers', method: 'GET', path: '/dashboard/mcp-servers', access: 'admin' },
    (c, { user }) => page(c, user as DashboardUser),
  )

  addDashboardRoute(
    app,
    table,
    { id: 'dashboard.mcp_server_create', method: 'POST', path: '/dashboard/mcp-servers', access: 'admin' },
    async (c, { user, form }) => {
      try {
        const settings = toMcpServerSettings({ ...formInput(form), name: (form.name ?? '').trim() })
        await c.var.runtime.mcpServers.create(settings)
        await audit(c, user as DashboardUser, 'mcp_server.created', settings.name)
      } catch (error) {
        return page(c, user as DashboardUser, { kind: 'error', text: problemText(error) }, 422)
      }
      return back(c)
    },
  )

  addDashboardRoute(
    app,
    table,
    {
      id: 'dashboard.mcp_server_edit',
      method: 'POST',
      path: '/dashboard/mcp-servers/:name/edit',
      access: 'admin',
    },
    async (c, { user, form }) => {
      const name = c.req.param('name') ?? ''
      try {
        const service = c.var.runtime.mcpServers
        const current = toMcpServerInput(await service.settings(name))
        await service.update(toMcpServerSettings({ ...current, ...formInput(form), name }))
        await audit(c, user as DashboardUser, 'mcp_server.updated', name)
      } catch (error) {
        return page(c, user as DashboardUser, { kind: 'error', text: problemText(error) }, 422)
      }
      return back(c)
    },
  )

  addDashboardRoute(
    app,
    table,
    {
      id: 'dashboard.mcp_server_delete',
      method: 'POST',
      path: '/dashboard/mcp-servers/:name/delete',
      access: 'admin',
    },
    async (c, { user }) => {
      const name = c.req.param('name') ?? ''
      await c.var.runtime.mcpServers.delete(name)
      await audit(c, user as DashboardUser, 'mcp_server.deleted', name)
      return back(c)
    },
  )

  addDashboardRoute(
    app,
    table,
    {
      id: 'dashboard.mcp_server_test',
      method: 'POST',
      path: '/dashboard/mcp-servers/:name/test',
      access: 'admin',
    },
    async (c, { user }) => {
      const name = c.req.param('name') ?? ''
      const result = await c.var.runtime.mcpServers.test(name)
      const notice: Notice = result.success
        ? { kind: 'ok', text: `${name}: connected, ${result.tools.length} tools.` }
        : { kind: 'error', text: `${name}: ${result.error ?? 'the test failed'}` }
      return page(c, user as DashboardUser, notice)
    },
  )

  addDashboardRoute(
    app,
    table,
    {
      id: 'dashboard.mcp_server_refresh',
      method: 'POST',
      path: '/dashboard/mcp-servers/:name/refresh',
      access: 'admin',
    },
    async (c, { user }) => {
      const name = c.req.param('name') ?? ''
      const view = await c.var.runtime.mcpServers.refresh(name)
      return page(c, user as DashboardUser, {
        kind: view.status === 'connected' ? 'ok' : 'error',
        text: `${name}: ${view.status}${view.error ? ` (${view.error})` : ''}, ${view.tools.length} tools.`,
      })
    },
  )
}
