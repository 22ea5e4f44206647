import { describe, expect, it } from 'vitest'
import { gatewayConfigSchema } from '../config/schema.ts'
import { configuredSecrets } from './configured-secrets.ts'
import { createRedactingLogger } from './redacting-logger.ts'
import { createSecretRedactor } from './secret-redactor.ts'

describe('createSecretRedactor()', () => {
  it('replaces every occurrence of every secret, also URL-encoded, longest first', () => {
    const redactor = createSecretRedactor(['pass word/42', 'pass word/42-longer', undefined, 'short'])
    expect(redactor.redact('a pass word/42-longer b pass word/42 c pass%20word%2F42 short')).toBe(
      'a [redacted] b [redacted] c [redacted] short',
    )
  })

  it('is inactive, and returns its input, without secrets of a useful length', () => {
    const redactor = createSecretRedactor(['guest', ''])
    expect(redactor.active).toBe(false)
    const fields = { message: 'guest' }
    expect(redactor.redactValue(fields)).toBe(fields)
  })

  it('copies log fields with errors (and their causes) turned into plain redacted objects', () => {
    const redactor = createSecretRedactor(['token-0123456789'])
    const error = Object.assign(
      new Error('refused token-0123456789', { cause: new Error('echo token-0123456789') }),
      {
        responseBody: '{"error":"token-0123456789"}',
      },
    )
    const copy = redactor.redactValue({ err: error, nested: [{ deep: 'token-0123456789' }] })
    expect(JSON.stringify(copy)).not.toContain('token-0123456789')
    expect(copy).toMatchObject({
      err: { type: 'Error', message: 'refused [redacted]', cause: { message: 'echo [redacted]' } },
      nested: [{ deep: '[redacted]' }],
    })
  })

  it('redacts messages and fields on their way into any logger', () => {
    const lines: unknown[][] = []
    const sink = (...args: unknown[]) => {
      lines.push(args)
    }
    const base = {
      fatal: sink,
      error: sink,
      warn: sink,
      info: sink,
      debug: sink,
      trace: sink,
      child: () => base,
    }
    const logger = createRedactingLogger(base, createSecretRedactor(['hunter2-hunter2']))
    logger.warn('saw hunter2-hunter2')
    logger.child({ part: 'x' }).error({ reason: 'hunter2-hunter2' }, 'again hunter2-hunter2')
    expect(JSON.stringify(lines)).not.toContain('hunter2-hunter2')
    expect(lines).toHaveLength(2)
  })
})

describe('configuredSecrets()', () => {
  it('finds keys, passwords, tokens, credential headers and URL passwords, and skips other values', () => {
    const config = gatewayConfigSchema.parse({
      model: {
        providers: {
          openai: {
            apiKey: 'openai-key-1',
            headers: { 'X-Org': 'acme-organisation', Authorization: 'Bearer hdr-123456' },
          },
          openaiCompatible: { vllm: { baseUrl: 'http://127.0.0.1:8001/v1', apiKey: 'vllm-key-1' } },
        },
      },
      auth: { apiKeys: [{ name: 'ci', key: 'ci-key-0123456789' }] },
      persistence: { backend: 'postgres', url: 'postgres://agw:p%40ss%2Fword@db/agw' },
      queue: { redisUrl: 'redis://:redis-password@127.0.0.1:6379' },
      notifications: { webhookSecret: 'webhook-secret', slack: { botToken: 'xoxb-slack-token' } },
      telemetry: { headers: { 'x-api-key': 'otlp-collector-key' } },
      mcp: {
        servers: [
          {
            name: 'gh',
            transport: 'stdio',
            command: 'x',
            env: { GITHUB_TOKEN: 'ghp-token-value', LOG_LEVEL: 'verbose-logging' },
          },
        ],
      },
      dashboard: {
        auth: {
          adminUsername: 'admin',
          adminPassword: 'admin-password',
          oauth2: { clientSecret: 'sso-secret' },
        },
      },
    })
    const secrets = configuredSecrets(config, { ANTHROPIC_API_KEY: 'anthropic-env-key' })
    expect(secrets).toEqual(
      expect.arrayContaining([
        'anthropic-env-key',
        'openai-key-1',
        'Bearer hdr-123456',
        'hdr-123456',
        'vllm-key-1',
        'ci-key-0123456789',
        'p@ss/word',
        'redis-password',
        'webhook-secret',
        'xoxb-slack-token',
        'ghp-token-value',
        'admin-password',
        'sso-secret',
        'otlp-collector-key',
      ]),
    )
    expect(secrets).not.toContain('acme-organisation')
    expect(secrets).not.toContain('verbose-logging')
  })
})
