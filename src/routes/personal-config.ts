import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import { sensitiveProperties } from '../core/workspace/setup-schema.ts'
import { defineRoute } from '../http/define-route.ts'
import type { GatewayEnv } from '../http/gateway-env.ts'
import { errors } from '../http/openapi-schemas.ts'
import { url } from '../http/url.ts'
import type { PersonalConfigView } from '../services/personal/create-personal-config-service.ts'
import { AgentIdParams, requireAgent } from './agents.ts'
import { TimestampSchema, toTimestamp } from './timestamp.ts'

const SetupSchemaBody = z
  .object({
    agent_id: z.string(),
    scope: z.literal('personal'),
    setup_schema: z.record(z.string(), z.unknown()).openapi({
      description: 'JSON Schema of the setup values; properties with `sensitive: true` are stored encrypted.',
    }),
    sensitive_fields: z.array(z.string()).openapi({ description: 'Properties marked `sensitive: true`.' }),
    config_url: z.string().openapi({ description: 'Where the caller reads, saves and deletes its setup.' }),
  })
  .openapi('SetupSchema')

const PersonalConfigBody = z
  .object({
    agent_id: z.string(),
    user_id: z.string().openapi({ description: 'The principal the setup belongs to: the caller.' }),
    setup_completed: z.literal(true),
    values: z.record(z.string(), z.unknown()).openapi({
      description: 'The non-sensitive values. Sensitive values are never sent back.',
    }),
    secrets_set: z
      .array(z.string())
      .openapi({ description: 'Sensitive properties that have a stored value.' }),
    instructions: z.string().nullable(),
    updated_at: TimestampSchema,
  })
  .openapi('PersonalConfig')

const SaveConfigBody = z
  .object({
    values: z.record(z.string(), z.unknown()).default({}).openapi({
      description:
        'Values for the setup schema. A sensitive property left out, or sent as `""` or `null`, keeps its stored value.',
    }),
    instructions: z.string().max(8000).nullable().optional().openapi({
      description: "Instructions added to the agent's prompt for you; left out keeps the stored ones.",
    }),
  })
  .strict()
  .openapi('SavePersonalConfig')

function toConfigBody(view: PersonalConfigView): z.infer<typeof PersonalConfigBody> {
  return {
    agent_id: view.agentId,
    user_id: view.ownerId,
    setup_completed: true,
    values: view.values,
    secrets_set: view.secretsSet,
    instructions: view.instructions,
    updated_at: toTimestamp(view.updatedAt),
  }
}

const ownOnly =
  "The setup is always the caller's own; a caller without a user identity gets 401 `auth_required`."

const setupSchemaRoute = defineRoute(
  { id: 'agents.setup_schema', surface: 'api', scopes: ['agents:read'] },
  createRoute({
    operationId: 'getAgentSetupSchema',
    method: 'get',
    path: '/v1/agents/{agent_id}/setup-schema',
    tags: ['Personal agents'],
    summary: "A personal agent's setup schema",
    description: 'A global agent answers 400 `not_personal_agent`.',
    request: { params: AgentIdParams },
    responses: {
      200: { description: 'The setup schema', content: { 'application/json': { schema: SetupSchemaBody } } },
      ...errors(400, 401, 403, 404),
    },
  }),
)

const getConfigRoute = defineRoute(
  { id: 'agents.config_get', surface: 'api', scopes: ['agents:configure'] },
  createRoute({
    operationId: 'getPersonalConfig',
    method: 'get',
    path: '/v1/agents/{agent_id}/config',
    tags: ['Personal agents'],
    summary: 'Your setup of a personal agent',
    description: `${ownOnly} Without a setup: 404 \`config_not_found\`.`,
    request: { params: AgentIdParams },
    responses: {
      200: { description: 'Your setup', content: { 'application/json': { schema: PersonalConfigBody } } },
      ...errors(400, 401, 403, 404),
    },
  }),
)

const saveConfigRoute = defineRoute(
  { id: 'agents.config_save', surface: 'api', scopes: ['agents:configure'] },
  createRoute({
    operationId: 'savePersonalConfig',
    method: 'post',
    path: '/v1/agents/{agent_id}/config',
    tags: ['Personal agents'],
    summary: 'Save your setup of a personal agent',
    description: `${ownOnly} Values are checked against the setup schema (422 \`validation_failed\`); sensitive ones are stored encrypted and never returned.`,
    request: {
      params: AgentIdParams,
      body: { required: true, content: { 'application/json': { schema: SaveConfigBody } } },
    },
    responses: {
      200: {
        description: 'The saved setup',
        content: { 'application/json': { schema: PersonalConfigBody } },
      },
      ...errors(400, 401, 403, 404, 422),
    },
  }),
)

const deleteConfigRoute = defineRoute(
  { id: 'agents.config_delete', surface: 'api', scopes: ['agents:configure'] },
  createRoute({
    operationId: 'deletePersonalConfig',
    method: 'delete',
    path: '/v1/agents/{agent_id}/config',
    tags: ['Personal agents'],
    summary: 'Delete your setup of a personal agent',
    description: `${ownOnly} The agent then answers 409 \`setup_required\` again.`,
    request: { params: AgentIdParams },
    responses: {
      200: {
        description: 'Deleted',
        content: { 'application/json': { schema: z.object({ deleted: z.literal(true) }) } },
      },
      ...errors(400, 401, 403, 404),
    },
  }),
)

/** Personal agents: the setup schema, and the caller's own setup. */
export function registerPersonalConfigRoutes(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(setupSchemaRoute, async (c) => {
    const runtime = c.var.runtime
    const agent = await requireAgent(runtime, c.req.valid('param').agent_id)
    const schema = runtime.personalConfigs.setupSchema(agent)
    return c.json(
      {
        agent_id: agent.id,
        scope: 'personal' as const,
        setup_schema: schema,
        sensitive_fields: sensitiveProperties(schema),
        config_url: url(c, `/v1/agents/${encodeURIComponent(agent.id)}/config`),
      },
      200,
    )
  })

  app.openapi(getConfigRoute, async (c) => {
    const runtime = c.var.runtime
    const agent = await requireAgent(runtime, c.req.valid('param').agent_id)
    return c.json(toConfigBody(await runtime.personalConfigs.get(agent, c.var.viewer)), 200)
  })

  app.openapi(saveConfigRoute, async (c) => {
    const runtime = c.var.runtime
    const agent = await requireAgent(runtime, c.req.valid('param').agent_id)
    const body = c.req.valid('json')
    const view = await runtime.personalConfigs.save(agent, c.var.viewer, {
      values: body.values,
      instructions: body.instructions,
    })
    await runtime.audit.record({
      eventType: 'personal_config.saved',
      actor: c.var.principal?.id ?? null,
      resourceType: 'agent',
      resourceId: agent.id,
      // Names only: values may be personal, and secrets never leave the secret box.
      metadata: { fields: Object.keys(view.values).sort(), secrets_set: view.secretsSet },
      ipAddress: c.var.origin.clientIp ?? null,
    })
    return c.json(toConfigBody(view), 200)
  })

  app.openapi(deleteConfigRoute, async (c) => {
    const runtime = c.var.runtime
    const agent = await requireAgent(runtime, c.req.valid('param').agent_id)
    await runtime.personalConfigs.delete(agent, c.var.viewer)
    await runtime.audit.record({
      eventType: 'personal_config.deleted',
      actor: c.var.principal?.id ?? null,
      resourceType: 'agent',
      resourceId: agent.id,
      ipAddress: c.var.origin.clientIp ?? null,
    })
    return c.json({ deleted: true as const }, 200)
  })
}
