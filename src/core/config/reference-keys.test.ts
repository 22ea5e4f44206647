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
        '  protocol: grpc',
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
    expect(lines[1]).toMatch(
      /^4 telemetry\.protocol: .*OTLP over HTTP only.*OpenTelemetry SDK of the host process/,
    )
    expect(lines[2]).toMatch(/^6 queue\.stream_key: .*queue\.queue_name/)
    expect(lines[3]).toMatch(/^8 scheduler\.distributed_lock: .*claims schedule ticks in the database/)
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

  it('reads the memory section, and memory: true|false, warning that the gateway-wide section is not read', () => {
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
      expect.stringMatching(/^2 memory\.enabled: gateway-wide memory settings are not read/),
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
    expect(toAgwVariable('AGENT_GATEWAY_TELEMETRY__PROTOCOL')).toBeUndefined()
  })

  it('lists only keys that exist in agents-gateway, each with a rule', () => {
    for (const [path, rule] of Object.entries(referenceKeys)) {
      expect(path).toMatch(/^[a-z_]+(\.[a-z_]+)+$/)
      expect(['renamed', 'translated', 'unsupported']).toContain(rule.kind)
    }
  })

  it('honours or names every key of the agents-gateway configuration reference: none is unknown', () => {
    const everyKey = `
timezone: Europe/Lisbon
server: { host: 0.0.0.0, port: 8000, workers: 2 }
model: { default: gpt-4o-mini, temperature: 0.1, max_tokens: 4096, fallback: openai/gpt-4o }
guardrails: { max_tool_calls: 20, max_iterations: 10, timeout_ms: 60000, max_delegation_depth: 3 }
auth:
  enabled: true
  mode: api_key
  api_keys: [{ name: ci, key: a-key-of-sixteen-chars, scopes: ["*"] }]
  oauth2: { issuer: "https://id.example", audience: api, jwks_uri: "https://id.example/jwks", algorithms: [RS256], scope_claim: scp, clock_skew_seconds: 30 }
  public_paths: [/v1/health]
persistence: { enabled: true, backend: postgres, url: "postgresql+asyncpg://db/agents", table_prefix: ag_, db_schema: agents }
telemetry: { enabled: true, service_name: agent-gateway, exporter: otlp, endpoint: "http://localhost:4317", protocol: grpc, sample_rate: 1.0 }
queue:
  backend: redis
  redis_url: redis://localhost:6379/0
  rabbitmq_url: amqp://guest:guest@localhost:5672/
  stream_key: "ag:executions"
  queue_name: ag.executions
  consumer_group: ag-workers
  workers: 4
  max_retries: 3
  visibility_timeout_s: 300
  drain_timeout_s: 30
  default_execution_mode: sync
scheduler:
  enabled: true
  misfire_grace_seconds: 60
  max_instances: 1
  coalesce: true
  distributed_lock: { enabled: false, backend: auto, redis_url: "", key_prefix: "ag:sched-lock:", lock_ttl_seconds: 300 }
mcp: { tool_call_timeout_ms: 30000, connection_timeout_ms: 10000 }
context_retrieval: { retriever_timeout_seconds: 10.0, max_retrieved_chars: 50000, max_context_file_chars: 100000 }
memory:
  enabled: false
  max_injected_chars: 4000
  extraction_model: null
  auto_extract: false
  max_memory_md_lines: 200
  compaction: { enabled: true, max_memories_per_scope: 100, compact_ratio: 0.5, min_age_hours: 24, importance_threshold: 0.8, decay_factor: 0.95 }
cors: { enabled: false, allow_origins: ["https://app.example"], allow_methods: [GET, POST], allow_headers: [Authorization], allow_credentials: false, max_age: 3600 }
rate_limit: { enabled: false, default_limit: 100/minute, storage_uri: null, trust_forwarded_for: false }
security:
  enabled: true
  x_content_type_options: nosniff
  x_frame_options: DENY
  strict_transport_security: "max-age=31536000; includeSubDomains"
  content_security_policy: "default-src 'self'"
  referrer_policy: strict-origin-when-cross-origin
  dashboard_content_security_policy: "default-src 'self'"
  docs_content_security_policy: "default-src 'self'"
proxy: { trust_forwarded: true, forwarded_allow_ips: 127.0.0.1 }
dashboard:
  enabled: false
  title: Agent Gateway
  subtitle: AI Control Plane
  logo_url: null
  favicon_url: /brand/favicon.png
  auth:
    enabled: true
    username: ops
    password: a-password
    admin_username: admin
    admin_password: an-admin-password
    login_button_text: Sign in with SSO
    session_secret: ""
    oauth2: { issuer: "https://id.example", client_id: dash, client_secret: s3cret, scopes: [openid, email] }
    session_cookie_name: agw_dashboard_session
    session_cookie_same_site: lax
    session_cookie_https_only: null
    session_cookie_domain: null
    session_max_age_seconds: 86400
  theme:
    mode: auto
    accent_color: "#6366f1"
    colors: { primary_dark: "#818cf8", secondary: "#64748b", surface: "#ffffff", surface_dark: "#141b2d", danger: "#ef4444" }
notifications:
  slack: { enabled: false, bot_token: "", default_channel: "#agent-alerts" }
  webhooks: [{ name: ops, url: "https://hooks.example/x", secret: s, events: [execution.failed], payload_template: "{}" }]
  webhook_secret: ""
context: { company: Acme }
`
    const { config, warnings } = resolve(everyKey)
    const unknown = warnings.filter((warning) => warning.message.startsWith('unknown key'))
    expect(unknown).toEqual([])
    // Each remaining warning names a key of the table, with what to do instead.
    for (const warning of warnings) {
      expect(
        Object.keys(referenceKeys).some((key) => warning.keyPath?.startsWith(key)),
        warning.keyPath,
      ).toBe(true)
    }
    expect(warnings.map((warning) => warning.keyPath)).toEqual([
      'server.workers',
      'telemetry.protocol',
      'telemetry.sample_rate',
      'queue.stream_key',
      'queue.consumer_group',
      'scheduler.distributed_lock',
      'rate_limit.trust_forwarded_for',
      'dashboard.auth.session_secret',
      'dashboard.theme.colors',
    ])
    expect(config).toMatchObject({
      persistence: { backend: 'postgres', url: 'postgres://db/agents', schema: 'agents' },
      queue: { backend: 'bullmq', visibilityTimeoutSeconds: 300 },
      auth: { publicRoutes: ['health'] },
      proxy: { forwardedAllowIps: '127.0.0.1' },
      contextRetrieval: { maxContextFileChars: 100000 },
      dashboard: {
        theme: { colors: { primary: '#6366f1', 'primary-dark': '#818cf8', 'surface-dark': '#141b2d' } },
      },
    })
  })
})
