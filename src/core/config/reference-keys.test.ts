import { describe, expect, it } from 'vitest'
import { ConfigError } from '../errors.ts'
import { referenceKeys, toAgwVariable } from './reference-keys.ts'
import { resolveConfig } from './resolve-config.ts'

const yaml = (text: string) => ({ text, file: 'gateway.yaml' })
const resolve = (text: string, env: Record<string, string> = {}) => resolveConfig({ yaml: yaml(text), env })
const messages = (warnings: { keyPath?: string | undefined; line?: number | undefined; message: string }[]) =>
  warnings.map((warning) => `${warning.line ?? '-'} ${warning.keyPath ?? ''}: ${warning.message}`)

describe('agents-gateway keys in gateway.yaml', () => {
  it('reads auth.enabled: false as an explicit auth.mode: none', () => {
    const { config, warnings } = resolve('auth:\n  enabled: false\n')
    expect(config.auth.mode).toBe('none')
    expect(warnings).toEqual([])
    expect(resolve('auth:\n  enabled: true\n').config.auth.mode).toBe('api_key')
    const both = resolve('auth:\n  enabled: false\n  mode: api_key\n')
    expect(both.config.auth.mode).toBe('none')
    expect(messages(both.warnings)).toEqual([
      '2 auth.enabled: auth.enabled: false turns auth off; auth.mode: api_key is ignored',
    ])
  })

  it('maps queue backends, renamed keys and SQLAlchemy-era names with the same meaning', () => {
    const { config, warnings } = resolve(
      [
        'queue:',
        '  backend: redis',
        '  visibility_timeout_s: 120',
        '  drain_timeout_s: 5',
        'persistence:',
        '  db_schema: agents',
        'dashboard:',
        '  icon_url: /brand/icon.png',
        '  auth:',
        '    session_cookie_https_only: true',
        '  theme:',
        '    accent_color: "#112233"',
        '    colors:',
        '      primary_dark: "#445566"',
        '      danger: "#ff0000"',
        'rate_limit:',
        '  default_limit: 200 per minute',
        '  storage_uri: redis://127.0.0.1:6379/2',
        'proxy:',
        '  trust_forwarded: true',
      ].join('\n'),
    )
    expect(warnings).toEqual([])
    expect(config.queue).toMatchObject({
      backend: 'bullmq',
      visibilityTimeoutSeconds: 120,
      drainTimeoutSeconds: 5,
    })
    expect(config.persistence.schema).toBe('agents')
    expect(config.dashboard.faviconUrl).toBe('/brand/icon.png')
    expect(config.dashboard.auth.sessionCookieSecure).toBe(true)
    expect(config.dashboard.theme.colors).toEqual({
      primary: '#112233',
      'primary-dark': '#445566',
      danger: '#ff0000',
    })
    expect(config.rateLimit).toMatchObject({
      defaultLimit: '200/minute',
      store: 'redis',
      redisUrl: 'redis://127.0.0.1:6379/2',
    })
    expect(config.proxy.forwardedAllowIps).toBe('127.0.0.1')
    expect(resolve('queue:\n  backend: memory\n').config.queue.backend).toBe('memory')
  })

  it('ignores forwarded_allow_ips when trust_forwarded is false, as agents-gateway did', () => {
    const { config, warnings } = resolve('proxy:\n  trust_forwarded: false\n  forwarded_allow_ips: "*"\n')
    expect(config.proxy.forwardedAllowIps).toEqual([])
    expect(messages(warnings)).toEqual([
      '2 proxy.trust_forwarded: trust_forwarded is false, so proxy.forwarded_allow_ips is ignored (as in agents-gateway)',
    ])
  })

  it('names every unsupported key in a warning with its line and what to do instead', () => {
    const { warnings } = resolve(
      [
        'server:',
        '  workers: 4',
        'telemetry:',
        '  exporter: otlp',
        'queue:',
        '  stream_key: "ag:executions"',
        'scheduler:',
        '  distributed_lock:',
        '    enabled: true',
        'rate_limit:',
        '  trust_forwarded_for: true',
        'dashboard:',
        '  auth:',
        '    session_secret: abc',
        '  theme:',
        '    colors:',
        '      sidebar: "#000000"',
      ].join('\n'),
    )
    const lines = messages(warnings)
    expect(lines).toHaveLength(7)
    expect(lines[0]).toMatch(
      /^2 server\.workers: an agents-gateway setting agentgw does not support, ignored: .*--worker-only/,
    )
    expect(lines[1]).toMatch(/^4 telemetry\.exporter: .*OpenTelemetry SDK of the host process/)
    expect(lines[2]).toMatch(/^6 queue\.stream_key: .*queue\.queue_name/)
    expect(lines[3]).toMatch(/^8 scheduler\.distributed_lock: .*scheduler locks/)
    expect(lines[4]).toMatch(/^11 rate_limit\.trust_forwarded_for: .*proxy\.forwarded_allow_ips/)
    expect(lines[5]).toMatch(/^14 dashboard\.auth\.session_secret: .*stored server-side/)
    expect(lines[6]).toMatch(
      /^16 dashboard\.theme\.colors: sidebar: the agentgw dashboard has no such colour/,
    )
  })

  it('warns about theme colours the dashboard has no place for', () => {
    const { config, warnings } = resolve('dashboard:\n  theme:\n    colors:\n      sidebar: "#000000"\n')
    expect(config.dashboard.theme.colors).toEqual({})
    expect(messages(warnings)).toEqual([
      expect.stringMatching(/^3 dashboard\.theme\.colors: sidebar: .*no such colour/),
    ])
  })

  it('locates a problem in a renamed key at the key as written', () => {
    try {
      resolve('queue:\n  visibility_timeout_s: 1\n')
      throw new Error('expected a ConfigError')
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError)
      expect((error as ConfigError).issues[0]).toMatchObject({
        line: 2,
        keyPath: 'queue.visibility_timeout_s',
      })
    }
  })

  it('reads the memory section, and memory: true|false, warning while memory is not implemented', () => {
    const off = resolve('memory: false\n')
    expect(off.config.memory).toMatchObject({ enabled: false, maxInjectedChars: 4000 })
    expect(off.warnings).toEqual([])
    const on = resolve(
      'memory:\n  enabled: true\n  auto_extract: true\n  compaction:\n    compact_ratio: 0.25\n',
    )
    expect(on.config.memory).toMatchObject({
      enabled: true,
      autoExtract: true,
      compaction: { compactRatio: 0.25 },
    })
    expect(messages(on.warnings)).toEqual([
      expect.stringMatching(/^2 memory\.enabled: agent memory is not implemented yet/),
    ])
  })

  it('applies the same mapping to AGW_* variables and names the variable in warnings', () => {
    const { config, warnings } = resolve('', { AGW_QUEUE__BACKEND: 'redis', AGW_SERVER__WORKERS: '2' })
    expect(config.queue.backend).toBe('bullmq')
    expect(messages(warnings)).toEqual([
      expect.stringMatching(
        /^- server\.workers: AGW_SERVER__WORKERS: an agents-gateway setting agentgw does not support/,
      ),
    ])
  })

  it('names the AGW_* twin of every AGENT_GATEWAY_* variable, which is not read', () => {
    const { config, warnings } = resolve('', {
      AGENT_GATEWAY_SERVER__PORT: '9000',
      AGENT_GATEWAY_QUEUE__VISIBILITY_TIMEOUT_S: '60',
      AGENT_GATEWAY_SECRET_KEY: 'x',
    })
    expect(config.server.port).toBe(8000)
    expect(warnings.map((warning) => `${warning.file}: ${warning.message}`)).toEqual([
      'AGENT_GATEWAY_QUEUE__VISIBILITY_TIMEOUT_S: agents-gateway variables are not read; use AGW_QUEUE__VISIBILITY_TIMEOUT_SECONDS',
      expect.stringMatching(/^AGENT_GATEWAY_SECRET_KEY: not read; use AGW_SECRET_KEY with a new key/),
      'AGENT_GATEWAY_SERVER__PORT: agents-gateway variables are not read; use AGW_SERVER__PORT',
    ])
    expect(toAgwVariable('AGENT_GATEWAY_TELEMETRY__EXPORTER')).toBeUndefined()
  })

  it('lists only keys that exist in agents-gateway, each with a rule', () => {
    for (const [path, rule] of Object.entries(referenceKeys)) {
      expect(path).toMatch(/^[a-z_]+(\.[a-z_]+)+$/)
      expect(['renamed', 'translated', 'unsupported']).toContain(rule.kind)
    }
  })
})
