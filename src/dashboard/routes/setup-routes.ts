import type { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { GatewayError } from '../../core/errors.ts'
import type { AgentDefinition } from '../../core/workspace/model.ts'
import { setupFields, setupValuesFromForm } from '../../core/workspace/setup-schema.ts'
import type { GatewayEnv } from '../../http/gateway-env.ts'
import type { RouteTable } from '../../http/route-table.ts'
import { url } from '../../http/url.ts'
import type { PersonalConfigView } from '../../services/personal/create-personal-config-service.ts'
import { addDashboardRoute } from '../dashboard-route.ts'
import type { DashboardUser } from '../dashboard-user.ts'
import { renderPage } from '../views/layout.ts'
import { setupBody } from '../views/setup-page.ts'

async function personalAgent(c: Context<GatewayEnv>, id: string): Promise<AgentDefinition> {
  const runtime = c.var.runtime
  const agent = await runtime.agents.get(id)
  if (!agent) throw new GatewayError('agent_not_found', { message: `Agent "${id}" not found.` })
  runtime.personalConfigs.setupSchema(agent)
  return agent
}

async function currentSetup(c: Context<GatewayEnv>, agent: AgentDefinition, user: DashboardUser) {
  try {
    return await c.var.runtime.personalConfigs.get(agent, user.viewer)
  } catch (error) {
    if (GatewayError.isInstance(error) && error.code === 'config_not_found') return undefined
    throw error
  }
}

/** The setup form of a personal agent: each user fills in their own. */
export function registerSetupRoutes(app: OpenAPIHono<GatewayEnv>, table: RouteTable): void {
  const render = (
    c: Context<GatewayEnv>,
    agent: AgentDefinition,
    user: DashboardUser,
    current: PersonalConfigView | undefined,
    refused?: { error: string; sent: Record<string, string> },
  ) => {
    const schema = c.var.runtime.personalConfigs.setupSchema(agent)
    const body = setupBody(c, {
      agent,
      fields: setupFields(schema),
      current,
      user,
      error: refused?.error,
      sent: refused?.sent,
    })
    return c.html(
      renderPage(c, { user, title: `Set up ${agent.id}`, active: 'agents', body }),
      refused ? 422 : 200,
    )
  }

  addDashboardRoute(
    app,
    table,
    { id: 'dashboard.agent_setup', method: 'GET', path: '/dashboard/agents/:id/setup', access: 'user' },
    async (c, request) => {
      const user = request.user as DashboardUser
      const agent = await personalAgent(c, c.req.param('id') ?? '')
      return render(c, agent, user, await currentSetup(c, agent, user))
    },
  )

  addDashboardRoute(
    app,
    table,
    { id: 'dashboard.agent_setup_save', method: 'POST', path: '/dashboard/agents/:id/setup', access: 'user' },
    async (c, { user: signedIn, form }) => {
      const user = signedIn as DashboardUser
      const runtime = c.var.runtime
      const agent = await personalAgent(c, c.req.param('id') ?? '')
      const fields = setupFields(runtime.personalConfigs.setupSchema(agent))
      try {
        await runtime.personalConfigs.save(agent, user.viewer, {
          values: setupValuesFromForm(fields, form),
          instructions: form.instructions ?? null,
        })
      } catch (error) {
        if (!GatewayError.isInstance(error) || error.code !== 'validation_failed') throw error
        // Shown again without the secrets: the user types them again.
        const secretNames = new Set(
          fields.filter((field) => field.kind === 'secret').map((field) => field.name),
        )
        const sent = Object.fromEntries(Object.entries(form).filter(([name]) => !secretNames.has(name)))
        return render(c, agent, user, await currentSetup(c, agent, user), { error: error.message, sent })
      }
      await runtime.audit.record({
        eventType: 'personal_config.saved',
        actor: user.principal.id,
        resourceType: 'agent',
        resourceId: agent.id,
        metadata: { via: 'dashboard' },
        ipAddress: c.var.origin.clientIp ?? null,
      })
      return c.redirect(url(c, '/dashboard/agents'), 303)
    },
  )

  addDashboardRoute(
    app,
    table,
    {
      id: 'dashboard.agent_setup_delete',
      method: 'POST',
      path: '/dashboard/agents/:id/setup/delete',
      access: 'user',
    },
    async (c, request) => {
      const user = request.user as DashboardUser
      const runtime = c.var.runtime
      const agent = await personalAgent(c, c.req.param('id') ?? '')
      await runtime.personalConfigs.delete(agent, user.viewer)
      await runtime.audit.record({
        eventType: 'personal_config.deleted',
        actor: user.principal.id,
        resourceType: 'agent',
        resourceId: agent.id,
        metadata: { via: 'dashboard' },
        ipAddress: c.var.origin.clientIp ?? null,
      })
      return c.redirect(url(c, '/dashboard/agents'), 303)
    },
  )
}
