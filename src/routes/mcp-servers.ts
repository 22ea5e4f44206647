import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import { defineRoute } from '../http/define-route.ts'
import type { GatewayEnv } from '../http/gateway-env.ts'
import { errors } from '../http/openapi-schemas.ts'
import type { McpServerView } from '../services/mcp/mcp-server-service.ts'
import { toMcpServerInput, toMcpServerSettings } from '../services/mcp/parse-mcp-server-input.ts'
import { TimestampSchema, toTimestamp } from './timestamp.ts'

const scopes: ['admin:mcp'] = ['admin:mcp']

const ToolSchema = z
  .object({
    name: z.string().openapi({ description: 'As offered to agents: `{server}__{tool}`.' }),
    original_name: z.string(),
    server_name: z.string(),
    description: z.string(),
    input_schema: z.record(z.string(), z.unknown()),
  })
  .openapi('McpTool')

const ServerSchema = z
  .object({
    name: z.string(),
    origin: z.enum(['config', 'database']).openapi({
      description: '`config` servers come from gateway.yaml and are read-only here.',
    }),
    transport: z.enum(['stdio', 'streamable_http']),
    command: z.string().nullable(),
    args: z.array(z.string()),
    cwd: z.string().nullable(),
    url: z.string().nullable(),
    enabled: z.boolean(),
    connection_timeout_ms: z.number().int().nullable(),
    tool_call_timeout_ms: z.number().int().nullable(),
    env_keys: z.array(z.string()).openapi({ description: 'Names only; values are never returned.' }),
    header_names: z.array(z.string()).openapi({ description: 'Names only; values are never returned.' }),
    auth_type: z.enum(['none', 'bearer', 'api_key', 'oauth2_client_credentials']),
    status: z.enum(['connecting', 'connected', 'disconnected', 'disabled', 'error']),
    error: z.string().nullable(),
    tool_count: z.number().int(),
    tools: z.array(ToolSchema),
    created_at: TimestampSchema.nullable().openapi({ description: 'Null for gateway.yaml servers.' }),
    updated_at: TimestampSchema.nullable(),
  })
  .openapi('McpServer')

const AuthBody = z
  .object({
    type: z.enum(['none', 'bearer', 'api_key', 'oauth2_client_credentials']).optional(),
    token: z.string().optional(),
    header: z.string().optional(),
    key: z.string().optional(),
    token_url: z.string().optional(),
    client_id: z.string().optional(),
    client_secret: z.string().optional(),
    scopes: z.array(z.string()).optional(),
    audience: z.string().optional(),
  })
  .strict()
  .openapi('McpServerAuth')

const fields = {
  transport: z.enum(['stdio', 'streamable_http']),
  command: z.string().min(1).max(4096),
  args: z.array(z.string().max(4096)).max(256),
  env: z.record(z.string(), z.string()).openapi({ description: 'Stored encrypted; write-only.' }),
  cwd: z.string().max(4096),
  url: z.string().max(4096),
  headers: z.record(z.string(), z.string()).openapi({ description: 'Stored encrypted; write-only.' }),
  auth: AuthBody.openapi({ description: 'Stored encrypted; write-only.' }),
  enabled: z.boolean(),
  connection_timeout_ms: z.number().int().min(1).max(600_000),
  tool_call_timeout_ms: z.number().int().min(1).max(3_600_000),
}

const CreateBody = z
  .object({ name: z.string().min(1).max(64), ...fields })
  .partial({
    command: true,
    args: true,
    env: true,
    cwd: true,
    url: true,
    headers: true,
    auth: true,
    enabled: true,
    connection_timeout_ms: true,
    tool_call_timeout_ms: true,
  })
  .strict()
  .openapi('McpServerCreate')

const UpdateBody = z.object(fields).partial().strict().openapi('McpServerUpdate', {
  description:
    'A partial update: fields left out keep their value; `env`, `headers` or `auth` given replace the stored ones.',
})

const TestResultSchema = z
  .object({
    success: z.boolean(),
    tool_count: z.number().int(),
    tools: z.array(z.object({ name: z.string(), description: z.string() })),
    error: z.string().nullable(),
  })
  .openapi('McpServerTestResult')

const NameParams = z.object({
  name: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'name', in: 'path' } }),
})

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})

function toBody(view: McpServerView): z.infer<typeof ServerSchema> {
  return {
    name: view.name,
    origin: view.origin,
    transport: view.transport,
    command: view.command,
    args: view.args,
    cwd: view.cwd,
    url: view.url,
    enabled: view.enabled,
    connection_timeout_ms: view.connectionTimeoutMs,
    tool_call_timeout_ms: view.toolCallTimeoutMs,
    env_keys: view.envKeys,
    header_names: view.headerNames,
    auth_type: view.authType,
    status: view.status,
    error: view.error,
    tool_count: view.tools.length,
    tools: view.tools.map((tool) => toToolBody(view.name, tool)),
    created_at: toTimestamp(view.createdAt),
    updated_at: toTimestamp(view.updatedAt),
  }
}

function toToolBody(server: string, tool: McpServerView['tools'][number]): z.infer<typeof ToolSchema> {
  return {
    name: tool.name,
    original_name: tool.originalName,
    server_name: server,
    description: tool.description,
    input_schema: tool.inputSchema,
  }
}

const base = '/v1/admin/mcp-servers'
const tags = ['MCP servers']

const listRoute = defineRoute(
  { id: 'mcp_servers.list', surface: 'api', scopes },
  createRoute({
    operationId: 'listMcpServers',
    method: 'get',
    path: base,
    tags,
    summary: 'List MCP servers (gateway.yaml and database) with status and tools',
    responses: { 200: json(z.object({ items: z.array(ServerSchema) }), 'MCP servers'), ...errors(401, 403) },
  }),
)

const createServerRoute = defineRoute(
  { id: 'mcp_servers.create', surface: 'api', scopes },
  createRoute({
    operationId: 'createMcpServer',
    method: 'post',
    path: base,
    tags,
    summary: 'Add an MCP server; credentials are stored encrypted',
    description:
      'Every instance connects to it. `env`, `headers` and `auth` are encrypted with the secret key (`AGW_SECRET_KEY`); without one, a server with credentials answers 503 `secret_key_missing`.',
    request: { body: { content: { 'application/json': { schema: CreateBody } }, required: true } },
    responses: { 201: json(ServerSchema, 'Created'), ...errors(401, 403, 409, 422, 503) },
  }),
)

const getRoute = defineRoute(
  { id: 'mcp_servers.get', surface: 'api', scopes },
  createRoute({
    operationId: 'getMcpServer',
    method: 'get',
    path: `${base}/{name}`,
    tags,
    summary: 'Get an MCP server with its status and tools',
    request: { params: NameParams },
    responses: { 200: json(ServerSchema, 'The server'), ...errors(401, 403, 404) },
  }),
)

const updateRoute = defineRoute(
  { id: 'mcp_servers.update', surface: 'api', scopes },
  createRoute({
    operationId: 'updateMcpServer',
    method: 'put',
    path: `${base}/{name}`,
    tags,
    summary: 'Change an MCP server (partial update) and reconnect',
    description: 'Servers from gateway.yaml answer 409 `mcp_server_read_only`.',
    request: {
      params: NameParams,
      body: { content: { 'application/json': { schema: UpdateBody } }, required: true },
    },
    responses: { 200: json(ServerSchema, 'Updated'), ...errors(401, 403, 404, 409, 422, 503) },
  }),
)

const deleteRoute = defineRoute(
  { id: 'mcp_servers.delete', surface: 'api', scopes },
  createRoute({
    operationId: 'deleteMcpServer',
    method: 'delete',
    path: `${base}/{name}`,
    tags,
    summary: 'Remove an MCP server and disconnect it',
    request: { params: NameParams },
    responses: {
      200: json(z.object({ deleted: z.literal(true) }), 'Deleted'),
      ...errors(401, 403, 404, 409),
    },
  }),
)

const testRoute = defineRoute(
  { id: 'mcp_servers.test', surface: 'api', scopes },
  createRoute({
    operationId: 'testMcpServer',
    method: 'post',
    path: `${base}/{name}/test`,
    tags,
    summary: 'Test a connection: connect, list tools, disconnect',
    description: 'Answers 200 whether or not the server could be reached; see `success` and `error`.',
    request: { params: NameParams },
    responses: { 200: json(TestResultSchema, 'The outcome'), ...errors(401, 403, 404) },
  }),
)

const refreshRoute = defineRoute(
  { id: 'mcp_servers.refresh', surface: 'api', scopes },
  createRoute({
    operationId: 'refreshMcpServer',
    method: 'post',
    path: `${base}/{name}/refresh`,
    tags,
    summary: 'Reconnect an MCP server and list its tools again (on this instance)',
    request: { params: NameParams },
    responses: { 200: json(ServerSchema, 'The server after reconnecting'), ...errors(401, 403, 404) },
  }),
)

const toolsRoute = defineRoute(
  { id: 'mcp_servers.tools', surface: 'api', scopes },
  createRoute({
    operationId: 'listMcpServerTools',
    method: 'get',
    path: `${base}/{name}/tools`,
    tags,
    summary: "An MCP server's tools as agents see them",
    request: { params: NameParams },
    responses: { 200: json(z.object({ items: z.array(ToolSchema) }), 'Tools'), ...errors(401, 403, 404) },
  }),
)

export function registerMcpServerRoutes(app: OpenAPIHono<GatewayEnv>): void {
  const audit = async (
    c: Parameters<Parameters<typeof app.openapi>[1]>[0],
    eventType: string,
    name: string,
  ) =>
    c.var.runtime.audit.record({
      eventType,
      actor: c.var.principal?.id ?? null,
      resourceType: 'mcp_server',
      resourceId: name,
      ipAddress: c.var.origin.clientIp ?? null,
    })

  app.openapi(listRoute, async (c) => {
    const items = await c.var.runtime.mcpServers.list()
    return c.json({ items: items.map(toBody) }, 200)
  })

  app.openapi(createServerRoute, async (c) => {
    const settings = toMcpServerSettings(c.req.valid('json'))
    const view = await c.var.runtime.mcpServers.create(settings)
    await audit(c, 'mcp_server.created', view.name)
    return c.json(toBody(view), 201)
  })

  app.openapi(getRoute, async (c) => {
    return c.json(toBody(await c.var.runtime.mcpServers.get(c.req.valid('param').name)), 200)
  })

  app.openapi(updateRoute, async (c) => {
    const { name } = c.req.valid('param')
    const service = c.var.runtime.mcpServers
    const current = toMcpServerInput(await service.settings(name))
    const patch = c.req.valid('json')
    const settings = toMcpServerSettings({ ...current, ...patch, name })
    const view = await service.update(settings)
    await audit(c, 'mcp_server.updated', name)
    return c.json(toBody(view), 200)
  })

  app.openapi(deleteRoute, async (c) => {
    const { name } = c.req.valid('param')
    await c.var.runtime.mcpServers.delete(name)
    await audit(c, 'mcp_server.deleted', name)
    return c.json({ deleted: true as const }, 200)
  })

  app.openapi(testRoute, async (c) => {
    const result = await c.var.runtime.mcpServers.test(c.req.valid('param').name)
    return c.json(
      {
        success: result.success,
        tool_count: result.tools.length,
        tools: result.tools,
        error: result.error ?? null,
      },
      200,
    )
  })

  app.openapi(refreshRoute, async (c) => {
    return c.json(toBody(await c.var.runtime.mcpServers.refresh(c.req.valid('param').name)), 200)
  })

  app.openapi(toolsRoute, async (c) => {
    const view = await c.var.runtime.mcpServers.get(c.req.valid('param').name)
    return c.json({ items: view.tools.map((tool) => toToolBody(view.name, tool)) }, 200)
  })
}
