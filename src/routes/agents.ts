import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import { GatewayError } from '../core/errors.ts'
import type { AgentDefinition } from '../core/workspace/model.ts'
import { idPattern } from '../core/workspace/schemas.ts'
import { defineRoute } from '../http/define-route.ts'
import type { GatewayEnv } from '../http/gateway-env.ts'
import { errors } from '../http/openapi-schemas.ts'
import { toAgentInfo } from '../http/workspace-wire.ts'
import type { GatewayRuntime } from '../services/gateway-runtime.ts'

const JsonSchemaObject = z
  .record(z.string(), z.unknown())
  .openapi({ description: 'A JSON Schema (draft 2020-12).' })

export const AgentInfoSchema = z
  .object({
    id: z.string(),
    display_name: z.string().nullable(),
    description: z.string(),
    tags: z.array(z.string()),
    version: z.string().nullable(),
    enabled: z.boolean(),
    skills: z.array(z.string()),
    tools: z
      .array(z.string())
      .openapi({ description: 'Tools the agent can call: its own tools list and those of its skills.' }),
    model: z.string().openapi({
      description: 'The model id as written (`provider:model` or a LiteLLM id such as `gpt-4o-mini`).',
    }),
    execution_mode: z.enum(['sync', 'async']),
    scope: z.enum(['global', 'personal']),
    schedules: z.array(z.string()).openapi({ description: 'Schedule names.' }),
    input_schema: JsonSchemaObject.nullable(),
    output_schema: JsonSchemaObject.nullable(),
    retrievers: z.array(z.string()),
    context_file_count: z.number().int(),
    memory_enabled: z.boolean(),
  })
  .openapi('AgentInfo')

export const AgentIdParams = z.object({
  agent_id: z.string().openapi({ param: { name: 'agent_id', in: 'path' }, example: 'assistant' }),
})

/** Finds an agent (dashboard overrides applied) or throws the 404 envelope. */
export async function requireAgent(runtime: GatewayRuntime, id: string): Promise<AgentDefinition> {
  const agent = idPattern.test(id) ? await runtime.agents.get(id) : undefined
  if (!agent) throw new GatewayError('agent_not_found', { message: `Agent "${id}" not found.` })
  return agent
}

const listAgentsRoute = defineRoute(
  { id: 'agents.list', surface: 'api', scopes: ['agents:read'] },
  createRoute({
    operationId: 'listAgents',
    method: 'get',
    path: '/v1/agents',
    tags: ['Agents'],
    summary: 'List agents',
    responses: {
      200: {
        description: 'All agents',
        content: { 'application/json': { schema: z.array(AgentInfoSchema) } },
      },
      ...errors(401, 403),
    },
  }),
)

const getAgentRoute = defineRoute(
  { id: 'agents.get', surface: 'api', scopes: ['agents:read'] },
  createRoute({
    operationId: 'getAgent',
    method: 'get',
    path: '/v1/agents/{agent_id}',
    tags: ['Agents'],
    summary: 'Get an agent',
    request: { params: AgentIdParams },
    responses: {
      200: { description: 'The agent', content: { 'application/json': { schema: AgentInfoSchema } } },
      ...errors(401, 403, 404),
    },
  }),
)

export function registerAgentRoutes(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(listAgentsRoute, async (c) => {
    const runtime = c.var.runtime
    return c.json(
      (await runtime.agents.list()).map((agent) => toAgentInfo(agent, runtime)),
      200,
    )
  })
  app.openapi(getAgentRoute, async (c) => {
    const runtime = c.var.runtime
    return c.json(toAgentInfo(await requireAgent(runtime, c.req.valid('param').agent_id), runtime), 200)
  })
}
