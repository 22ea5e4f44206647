import type { GatewayConfig } from '../config/schema.ts'

/** Names of map entries (headers, MCP server env) whose values are credentials. */
const credentialName = /key|token|secret|passw|auth|credential|cookie|session|signature/i

/** Environment variables keys are read from: model providers, the secret box. */
const keyVariables = ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GOOGLE_GENERATIVE_AI_API_KEY', 'AGW_SECRET_KEY']

function credentialValues(map: Readonly<Record<string, string>> | undefined): string[] {
  return (
    Object.entries(map ?? {})
      .filter(([name]) => credentialName.test(name))
      // `Authorization: Bearer <token>`: the token alone is what an error would quote.
      .flatMap(([, value]) => [value, value.replace(/^(Bearer|Basic|Token)\s+/i, '')])
  )
}

/** The password (and user info) of a connection URL such as `postgres://user:pass@host/db`. */
function urlPassword(value: string | undefined | null): string[] {
  if (!value) return []
  try {
    const parsed = new URL(value)
    return parsed.password ? [decodeURIComponent(parsed.password)] : []
  } catch {
    return []
  }
}

/**
 * Every secret value the configuration holds, for redaction: model provider keys (from config
 * or the provider's environment variable) and credential headers, the secret box keys, API keys, dashboard
 * passwords and the SSO client secret, Slack and webhook secrets, credential headers and env
 * of MCP servers, and the passwords inside database, Redis and RabbitMQ URLs.
 */
export function configuredSecrets(
  config: GatewayConfig,
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  const providers = config.model.providers
  const values: (string | undefined)[] = [
    ...keyVariables.map((name) => env[name]),
    config.secrets.key ?? undefined,
    ...config.secrets.previousKeys,
    ...[providers.openai, providers.anthropic, providers.google, ...Object.values(providers.openaiCompatible)]
      .filter((provider) => provider !== undefined)
      .flatMap((provider) => [provider.apiKey, ...credentialValues(provider.headers)]),
    ...config.auth.apiKeys.map((key) => key.key),
    config.dashboard.auth.password,
    config.dashboard.auth.adminPassword,
    config.dashboard.auth.oauth2.clientSecret,
    config.notifications.slack.botToken,
    config.notifications.webhookSecret,
    ...config.notifications.webhooks.map((webhook) => webhook.secret),
    ...config.mcp.servers.flatMap((server) => [
      ...credentialValues(server.env),
      ...credentialValues(server.headers),
      ...urlPassword(server.url),
      server.auth.token,
      server.auth.key,
      server.auth.clientSecret,
    ]),
    ...credentialValues(config.telemetry.headers),
    ...urlPassword(config.persistence.url),
    ...urlPassword(config.queue.redisUrl),
    ...urlPassword(config.queue.rabbitmqUrl),
    ...urlPassword(config.rateLimit.redisUrl),
  ]
  return values.filter((value): value is string => typeof value === 'string' && value !== '')
}
