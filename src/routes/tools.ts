import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import { GatewayError } from '../core/errors.ts'
import { defineRoute } from '../http/define-route.ts'
import type { GatewayEnv } from '../http/gateway-env.ts'
import { errors } from '../http/openapi-schemas.ts'
import { toToolInfo } from '../http/workspace-wire.ts'

const ToolInfoSchema = z
  .object({
    name: z.string(),
    description: z.string(),
    source: z.enum(['code', 'file', 'mcp']),
    parameters: z.record(z.string(), z.unknown()).openapi({ description: 'JSON Schema of the arguments.' }),
    allowed_agents: z.array(z.string()).nullable(),
    require_approval: z.boolean(),
    idempotent: z.boolean().openapi({ description: 'A retried run may run an unfinished call again.' }),
    on_interrupted: z.enum(['tell_model', 'fail']).openapi({
      description: 'What a retried run does with an unfinished call when the tool is not idempotent.',
    }),
  })
  .openapi('ToolInfo')

const listToolsRoute = defineRoute(
  { id: 'tools.list', surface: 'api', scopes: ['agents:read'] },
  createRoute({
    operationId: 'listTools',
    method: 'get',
    path: '/v1/tools',
    tags: ['Tools'],
    summary: 'List tools',
    responses: {
      200: { description: 'All tools', content: { 'application/json': { schema: z.array(ToolInfoSchema) } } },
      ...errors(401, 403),
    },
  }),
)

const getToolRoute = defineRoute(
  { id: 'tools.get', surface: 'api', scopes: ['agents:read'] },
  createRoute({
    operationId: 'getTool',
    method: 'get',
    path: '/v1/tools/{tool_name}',
    tags: ['Tools'],
    summary: 'Get a tool',
    request: {
      params: z.object({ tool_name: z.string().openapi({ param: { name: 'tool_name', in: 'path' } }) }),
    },
    responses: {
      200: { description: 'The tool', content: { 'application/json': { schema: ToolInfoSchema } } },
      ...errors(401, 403, 404),
    },
  }),
)

export function registerToolRoutes(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(listToolsRoute, (c) => c.json(c.var.runtime.tools.list().map(toToolInfo), 200))
  app.openapi(getToolRoute, (c) => {
    const name = c.req.valid('param').tool_name
    const tool = c.var.runtime.tools.get(name)
    if (!tool) throw new GatewayError('tool_not_found', { message: `Tool "${name}" not found.` })
    return c.json(toToolInfo(tool), 200)
  })
}
