import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import type { AgentDefinition } from '../core/workspace/model.ts'
import { defineRoute } from '../http/define-route.ts'
import type { GatewayEnv } from '../http/gateway-env.ts'
import { requireAgent } from './agents.ts'
import { openAIErrors } from './openai-schemas.ts'

const ModelSchema = z
  .object({
    id: z.string().openapi({ description: 'The agent id: pass it as `model`.' }),
    object: z.literal('model'),
    created: z.number().int().openapi({ description: 'Always 0: agents have no creation time.' }),
    owned_by: z.string(),
    description: z.string().openapi({ description: "The agent's description (an agentgw addition)." }),
  })
  .openapi('OpenAIModel')

function toModel(agent: AgentDefinition): z.infer<typeof ModelSchema> {
  return {
    id: agent.id,
    object: 'model',
    created: 0,
    owned_by: 'agentgw',
    description: agent.description || `Agent: ${agent.id}`,
  }
}

const listModelsRoute = defineRoute(
  { id: 'openai.models.list', surface: 'api', scopes: ['agents:read'], errorFormat: 'openai' },
  createRoute({
    operationId: 'listModels',
    method: 'get',
    path: '/v1/models',
    tags: ['OpenAI compatible'],
    summary: 'List agents as OpenAI models',
    description:
      "The enabled agents, in the shape of OpenAI's `GET /v1/models`. Errors use OpenAI's error shape.",
    responses: {
      200: {
        description: 'The enabled agents',
        content: {
          'application/json': {
            schema: z
              .object({ object: z.literal('list'), data: z.array(ModelSchema) })
              .openapi('OpenAIModelList'),
          },
        },
      },
      ...openAIErrors(401, 403),
    },
  }),
)

const getModelRoute = defineRoute(
  { id: 'openai.models.get', surface: 'api', scopes: ['agents:read'], errorFormat: 'openai' },
  createRoute({
    operationId: 'getModel',
    method: 'get',
    path: '/v1/models/{model}',
    tags: ['OpenAI compatible'],
    summary: 'Get an agent as an OpenAI model',
    request: {
      params: z.object({
        model: z.string().openapi({ param: { name: 'model', in: 'path' }, example: 'assistant' }),
      }),
    },
    responses: {
      200: { description: 'The agent', content: { 'application/json': { schema: ModelSchema } } },
      ...openAIErrors(401, 403, 404),
    },
  }),
)

export function registerOpenAIModelRoutes(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(listModelsRoute, async (c) => {
    const agents = await c.get('runtime').agents.list()
    return c.json(
      { object: 'list' as const, data: agents.filter((agent) => agent.enabled).map(toModel) },
      200,
    )
  })
  app.openapi(getModelRoute, async (c) => {
    const agent = await requireAgent(c.get('runtime'), c.req.valid('param').model)
    return c.json(toModel(agent), 200)
  })
}
