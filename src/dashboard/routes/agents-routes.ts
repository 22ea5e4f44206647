import type { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { GatewayError } from '../../core/errors.ts'
import type { AgentDefinition } from '../../core/workspace/model.ts'
import type { GatewayEnv } from '../../http/gateway-env.ts'
import type { RouteTable } from '../../http/route-table.ts'
import { url } from '../../http/url.ts'
import type { AgentOverridePatch } from '../../services/agents/create-agent-catalog.ts'
import type { GatewayRuntime } from '../../services/gateway-runtime.ts'
import { addDashboardRoute, isHtmx } from '../dashboard-route.ts'
import type { DashboardUser } from '../dashboard-user.ts'
import { type AgentStatus, agentCard, agentsBody } from '../views/agents-page.ts'
import { renderPage } from '../views/layout.ts'

/** The setup badge of a card: only personal agents have one. */
function setupOf(agent: AgentDefinition, configured: Set<string>): 'required' | 'configured' | undefined {
  if (agent.scope !== 'personal') return undefined
  return configured.has(agent.id) ? 'configured' : 'required'
}

function statusOf(agent: AgentDefinition, busy: Set<string>): AgentStatus {
  if (!agent.enabled) return 'disabled'
  return busy.has(agent.id) ? 'busy' : 'online'
}

async function card(c: Context<GatewayEnv>, agent: AgentDefinition, user: DashboardUser, error?: string) {
  const runtime = c.var.runtime
  return agentCard(c, {
    agent,
    status: statusOf(agent, await runtime.executions.busyAgentIds()),
    model: agent.model.name ?? runtime.config.model.default,
    user,
    setup: setupOf(agent, await runtime.personalConfigs.configuredAgentIds(user.viewer)),
    error,
  })
}

async function requireAgent(runtime: GatewayRuntime, id: string): Promise<AgentDefinition> {
  const agent = await runtime.agents.get(id)
  if (!agent) throw new GatewayError('agent_not_found', { message: `Agent "${id}" not found.` })
  return agent
}

/** `/dashboard/` and `/dashboard/agents` (cards), and the admin's toggle and edit actions. */
export function registerAgentsRoutes(app: OpenAPIHono<GatewayEnv>, table: RouteTable): void {
  const page = async (c: Context<GatewayEnv>, user: DashboardUser) => {
    const runtime = c.var.runtime
    const busy = await runtime.executions.busyAgentIds()
    const configured = await runtime.personalConfigs.configuredAgentIds(user.viewer)
    const cards = (await runtime.agents.list()).map((agent) =>
      agentCard(c, {
        agent,
        status: statusOf(agent, busy),
        model: agent.model.name ?? runtime.config.model.default,
        user,
        setup: setupOf(agent, configured),
      }),
    )
    return c.html(renderPage(c, { user, title: 'Agents', active: 'agents', body: agentsBody(cards) }))
  }
  addDashboardRoute(
    app,
    table,
    { id: 'dashboard.home', method: 'GET', path: '/dashboard/', access: 'user' },
    (c, { user }) => page(c, user as DashboardUser),
  )
  addDashboardRoute(
    app,
    table,
    { id: 'dashboard.agents', method: 'GET', path: '/dashboard/agents', access: 'user' },
    (c, { user }) => page(c, user as DashboardUser),
  )

  const respond = async (
    c: Context<GatewayEnv>,
    agent: AgentDefinition,
    user: DashboardUser,
    error?: string,
  ) => {
    if (isHtmx(c)) return c.html(await card(c, agent, user, error), error ? 422 : 200)
    if (error) throw new GatewayError('validation_failed', { message: error })
    return c.redirect(url(c, '/dashboard/agents'), 303)
  }

  addDashboardRoute(
    app,
    table,
    { id: 'dashboard.agent_toggle', method: 'POST', path: '/dashboard/agents/:id/toggle', access: 'admin' },
    async (c, { user }) => {
      const runtime = c.var.runtime
      const agent = await requireAgent(runtime, c.req.param('id') ?? '')
      const actor = (user as DashboardUser).principal.id
      const updated = await runtime.agents.update(agent.id, { enabled: !agent.enabled }, actor)
      await runtime.audit.record({
        eventType: updated.enabled ? 'agent.enabled' : 'agent.disabled',
        actor,
        resourceType: 'agent',
        resourceId: agent.id,
        metadata: {},
        ipAddress: c.var.origin.clientIp ?? null,
      })
      return respond(c, updated, user as DashboardUser)
    },
  )

  addDashboardRoute(
    app,
    table,
    { id: 'dashboard.agent_edit', method: 'POST', path: '/dashboard/agents/:id/edit', access: 'admin' },
    async (c, { user, form }) => {
      const runtime = c.var.runtime
      const agent = await requireAgent(runtime, c.req.param('id') ?? '')
      const file = runtime.workspace.agents.find((candidate) => candidate.id === agent.id) as AgentDefinition
      const description = (form.description ?? '').trim()
      const model = (form.model ?? '').trim()
      const mode = form.execution_mode
      if (model !== '') {
        const problem = runtime.models.check(model)
        if (problem) return respond(c, agent, user as DashboardUser, `Model "${model}": ${problem}`)
      }
      if (mode !== 'sync' && mode !== 'async')
        return respond(c, agent, user as DashboardUser, 'Pick sync or async.')
      const fileModel = file.model.name ?? runtime.config.model.default
      // A value equal to the file's clears the override, so later AGENT.md edits show through.
      const patch: AgentOverridePatch = {
        description: description === '' || description === file.description ? null : description,
        model: model === '' || model === fileModel ? null : model,
        executionMode: mode === file.executionMode ? null : mode,
      }
      const actor = (user as DashboardUser).principal.id
      const updated = await runtime.agents.update(agent.id, patch, actor)
      await runtime.audit.record({
        eventType: 'agent.updated',
        actor,
        resourceType: 'agent',
        resourceId: agent.id,
        metadata: { ...patch },
        ipAddress: c.var.origin.clientIp ?? null,
      })
      return respond(c, updated, user as DashboardUser)
    },
  )
}
