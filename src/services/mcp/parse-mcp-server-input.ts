import { mcpServerSchema } from '../../core/config/schema.ts'
import { GatewayError } from '../../core/errors.ts'
import type { McpServerSettings } from './mcp-server-settings.ts'

const toSnake = (key: string) => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)

/** The API's snake_case body as the settings the gateway.yaml schema validates (same rules). */
export function toMcpServerSettings(body: Record<string, unknown>): McpServerSettings {
  const auth = body.auth as Record<string, unknown> | undefined
  const input = {
    name: body.name,
    transport: body.transport,
    command: body.command,
    args: body.args,
    env: body.env,
    cwd: body.cwd,
    url: body.url,
    headers: body.headers,
    auth: auth && {
      type: auth.type,
      token: auth.token,
      header: auth.header,
      key: auth.key,
      tokenUrl: auth.token_url,
      clientId: auth.client_id,
      clientSecret: auth.client_secret,
      scopes: auth.scopes,
      audience: auth.audience,
    },
    enabled: body.enabled,
    connectionTimeoutMs: body.connection_timeout_ms,
    toolCallTimeoutMs: body.tool_call_timeout_ms,
  }
  const parsed = mcpServerSchema.safeParse(JSON.parse(JSON.stringify(input)))
  if (!parsed.success) {
    throw new GatewayError('validation_failed', {
      details: parsed.error.issues.map((issue) => ({
        path: `/body/${issue.path.map((part) => toSnake(String(part))).join('/')}`.replace(/\/$/, ''),
        message: issue.message.replace(/^Invalid input: /, ''),
      })),
    })
  }
  return parsed.data
}

/** The settings of a server as the API's snake_case body (credentials included: never sent). */
export function toMcpServerInput(settings: McpServerSettings): Record<string, unknown> {
  return {
    name: settings.name,
    transport: settings.transport,
    command: settings.command,
    args: settings.args,
    env: settings.env,
    cwd: settings.cwd,
    url: settings.url,
    headers: settings.headers,
    auth: {
      type: settings.auth.type,
      token: settings.auth.token,
      header: settings.auth.header,
      key: settings.auth.key,
      token_url: settings.auth.tokenUrl,
      client_id: settings.auth.clientId,
      client_secret: settings.auth.clientSecret,
      scopes: settings.auth.scopes,
      audience: settings.auth.audience,
    },
    enabled: settings.enabled,
    connection_timeout_ms: settings.connectionTimeoutMs,
    tool_call_timeout_ms: settings.toolCallTimeoutMs,
  }
}
