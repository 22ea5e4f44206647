import { z } from 'zod'
import { notificationEventTypes } from '../notifications/notification-events.ts'
import { parseTemplate } from '../notifications/render-template.ts'
import type { EventBus } from '../ports/event-bus.ts'
import type { GatewayStorage } from '../ports/gateway-storage.ts'
import type { JobQueue } from '../ports/job-queue.ts'
import type { RateLimitStore } from '../ports/rate-limit-store.ts'
import { allowedHostProblem } from '../url/allowed-hosts.ts'
import { isPlainPrefix, normalizePrefix } from '../url/path-prefix.ts'
import { toDatabaseLocation } from './database-url.ts'
import { gatewayMemorySchema } from './memory-settings.ts'

/**
 * The schema of `gateway.yaml`. Keys are camelCase here and snake_case in YAML and env vars
 * (`max_tokens` ↔ `maxTokens`); `normalizeTree` maps between the two. Every section has
 * defaults, so an empty file is valid. Where a default differs from the reference system it is
 * because the reference default was unsafe (see docs/configuration.md).
 */

const durationMs = z.number().int().min(1)

function isIanaTimezone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value })
    return true
  } catch {
    return false
  }
}

/**
 * A backend's name. In code an instance of the backend may stand in its place (see
 * `GatewayConfigInput`); those are taken out before validation, so the schema sees names only.
 */
function backendName<const Names extends readonly [string, ...string[]]>(names: Names, port: string) {
  const listed = names.map((name) => `"${name}"`).join(', ')
  return z.enum(names, { error: `expected one of ${listed} (in code, a ${port} instance also works)` })
}

const timezone = z.string().refine(isIanaTimezone, { message: 'not a known IANA time zone' })

const prefix = z
  .string()
  .refine(isPlainPrefix, {
    message: 'must be a plain path prefix like /ai (no query, fragment, spaces, empty or dot segments)',
  })
  .transform(normalizePrefix)

/** An http(s) origin: scheme, host, optional port — no path, query, fragment or credentials. */
const publicUrl = z.string().transform((value, context) => {
  let parsed: URL | undefined
  try {
    parsed = new URL(value)
  } catch {
    parsed = undefined
  }
  const problem = !parsed
    ? 'must be an absolute URL like https://agents.example.com'
    : !/^https?:$/.test(parsed.protocol)
      ? 'must use http or https'
      : parsed.pathname !== '/' || parsed.search !== '' || parsed.hash !== ''
        ? 'must be an origin only (scheme, host, port); put a path prefix in server.root_path'
        : parsed.username !== '' || parsed.password !== ''
          ? 'must not contain credentials'
          : undefined
  if (problem || !parsed) {
    context.addIssue({ code: 'custom', message: problem ?? 'invalid' })
    return z.NEVER
  }
  return parsed.origin
})

export const serverSchema = z.object({
  host: z.string().default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8000),
  /** Public path prefix that a reverse proxy strips before forwarding (like `uvicorn --root-path`). */
  rootPath: prefix.default(''),
  /** Largest accepted request body. */
  maxBodyBytes: z
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  /** Seconds between SSE keepalive comments. */
  sseKeepaliveSeconds: z.number().min(1).max(60).default(15),
  /**
   * The origin clients reach the gateway at, e.g. `https://agents.example.com`: absolute URLs
   * (Location, OpenAPI `servers`, the SSO redirect URI) are built from it, never from the
   * request's `Host`. A path prefix goes in `root_path`.
   */
  publicUrl: publicUrl.nullable().default(null),
  /**
   * Without `public_url`: hosts (`example.com`, `example.com:8443`, `*.example.com`) whose
   * `Host` (or trusted `X-Forwarded-Host`) absolute URLs may be built from. Other hosts get
   * relative URLs.
   */
  allowedHosts: z
    .array(
      z.string().superRefine((entry, context) => {
        const problem = allowedHostProblem(entry)
        if (problem) context.addIssue({ code: 'custom', message: problem })
      }),
    )
    .default([]),
})

const modelOverride = z.object({
  name: z.string().min(1).optional(),
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.number().int().min(1).optional(),
  fallback: z.string().min(1).optional(),
})

const providerSchema = z.object({
  apiKey: z.string().optional(),
  baseUrl: z.string().url().optional(),
  headers: z.record(z.string(), z.string()).optional(),
})

const compatibleProviderSchema = providerSchema.extend({ baseUrl: z.string().url() })

const priceSchema = z.object({
  /** USD per million input tokens. */
  input: z.number().min(0),
  /** USD per million output tokens. */
  output: z.number().min(0),
})

export const modelSchema = z.object({
  /** `provider:model`, e.g. `openai:gpt-4o-mini`, `anthropic:claude-sonnet-4-5`, `mock:echo`. */
  default: z.string().min(1).default('mock:assistant'),
  temperature: z.number().min(0).max(2).default(0.1),
  maxTokens: z.number().int().min(1).default(4096),
  /** Model used when the default fails with a retryable error after its retries. */
  fallback: z.string().min(1).nullable().default(null),
  /** Retries of one model call on 429, 5xx and timeouts (not on auth or content errors). */
  maxRetries: z.number().int().min(0).max(10).default(2),
  /** Time limit of one model call, independent of the run's overall timeout. */
  callTimeoutMs: durationMs.default(120_000),
  providers: z
    .object({
      openai: providerSchema.optional(),
      anthropic: providerSchema.optional(),
      google: providerSchema.optional(),
      /** Named OpenAI-compatible endpoints: Ollama, vLLM, llama.cpp, LM Studio… Use as `<name>:<model>`. */
      openaiCompatible: z.record(z.string(), compatibleProviderSchema).default({}),
    })
    .prefault({}),
  /** Prices per model id, to compute `cost_usd`; built-in prices cover common models. */
  pricing: z.record(z.string(), priceSchema).default({}),
})

export const guardrailsSchema = z.object({
  maxToolCalls: z.number().int().min(0).default(20),
  maxIterations: z.number().int().min(1).default(10),
  timeoutMs: durationMs.default(60_000),
  maxDelegationDepth: z.number().int().min(0).default(3),
  /** Tool calls run at once within one model turn. */
  maxParallelToolCalls: z.number().int().min(1).max(50).default(5),
  /** Tool results longer than this are truncated before the model sees them. */
  maxToolResultBytes: z
    .number()
    .int()
    .min(256)
    .default(32 * 1024),
  /** How long a tool call waits for approval before the execution fails with `approval_expired`. */
  approvalTimeoutSeconds: z
    .number()
    .int()
    .min(1)
    .default(24 * 60 * 60),
})

const scopeName = z.string().min(1)

const apiKeySchema = z
  .object({
    name: z.string().min(1),
    /** The key itself (use `${VAR}`); stored only as a digest in memory. */
    key: z.string().min(16, 'API keys must be at least 16 characters').optional(),
    /** Or a precomputed `sha256:<hex>` digest of the key. */
    keyHash: z
      .string()
      .regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256:<64 hex chars>')
      .optional(),
    scopes: z.array(scopeName).default(['*']),
  })
  .refine((value) => (value.key === undefined) !== (value.keyHash === undefined), {
    message: 'give exactly one of key or key_hash',
  })

export const authSchema = z.object({
  /** `none` must be chosen explicitly; `api_key` without keys is a start-up error. */
  mode: z.enum(['api_key', 'oauth2', 'composite', 'custom', 'none']).default('api_key'),
  apiKeys: z.array(apiKeySchema).default([]),
  oauth2: z
    .object({
      issuer: z.string().url().optional(),
      audience: z.union([z.string(), z.array(z.string())]).optional(),
      jwksUri: z.string().url().optional(),
      algorithms: z.array(z.string()).default(['RS256', 'ES256']),
      scopeClaim: z.string().default('scope'),
      clockSkewSeconds: z.number().int().min(0).max(600).default(30),
      /** Client id offered to Swagger UI's OAuth2 login, if any. */
      docsClientId: z.string().optional(),
    })
    .prefault({}),
  /** Route ids (not paths) that need no credentials. */
  publicRoutes: z.array(z.string()).default(['health']),
})

export const persistenceSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** @default from `url` (a postgres URL means `postgres`), else `sqlite` */
    backend: backendName(['sqlite', 'postgres'], 'GatewayStorage').optional(),
    /**
     * SQLite file (relative to the workspace), `sqlite:///…` (also SQLAlchemy's
     * `sqlite+aiosqlite:///…`) or a Postgres URL (`postgres://`, `postgresql+asyncpg://`…).
     */
    url: z.string().optional(),
    tablePrefix: z
      .string()
      .regex(/^[a-z0-9_]*$/, 'only lowercase letters, digits and _')
      .default(''),
    schema: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/, 'a plain lowercase identifier')
      .nullable()
      .default(null),
    migrateOnStart: z.boolean().default(true),
    /**
     * How long a dead holder keeps a chat session's turn lock or a running execution: holders
     * renew every third of it, so a crashed process is detected within this time.
     */
    leaseSeconds: z.number().min(1).max(3600).default(10),
    /** How long an `Idempotency-Key` stands for the execution its first request started. */
    idempotencyWindowSeconds: z.number().int().min(1).default(86_400),
    /**
     * What the background pruner deletes (docs/persistence.md). Every window is off unless set:
     * without one, nothing is ever deleted.
     */
    retention: z
      .object({
        /** Finished executions (with steps and journal) older than this many days since they ended. */
        executionsDays: z.number().positive().optional(),
        /** Per-status windows, overriding `executionsDays` for that status. */
        completedExecutionsDays: z.number().positive().optional(),
        failedExecutionsDays: z.number().positive().optional(),
        cancelledExecutionsDays: z.number().positive().optional(),
        timeoutExecutionsDays: z.number().positive().optional(),
        /** Chat sessions (with their messages) not updated for this many days. */
        sessionsIdleDays: z.number().positive().optional(),
        /** How often one instance prunes. */
        intervalSeconds: z.number().int().min(1).default(300),
        /** Rows deleted per transaction. */
        batchSize: z.number().int().min(1).max(10_000).default(500),
      })
      .prefault({}),
  })
  .transform((value, context) => {
    // The URL is read once here, so every consumer gets a plain file path or a postgres:// URL.
    if (value.url === undefined) return { ...value, backend: value.backend ?? ('sqlite' as const) }
    const location = toDatabaseLocation(value.url)
    if (!location.ok) {
      context.addIssue({ code: 'custom', path: ['url'], message: location.reason })
      return z.NEVER
    }
    if (value.backend && value.backend !== location.backend) {
      context.addIssue({
        code: 'custom',
        path: ['backend'],
        message: `backend is ${value.backend} but url points to ${location.backend === 'postgres' ? 'a PostgreSQL server' : 'a SQLite file'}`,
      })
      return z.NEVER
    }
    return {
      ...value,
      backend: location.backend,
      url: location.backend === 'postgres' ? location.url : location.file,
    }
  })

export const queueSchema = z.object({
  /**
   * `embedded` keeps jobs in the gateway's database; `bullmq` uses Redis; `rabbitmq` AMQP;
   * `memory` (or `none`) runs them in this process only.
   */
  backend: backendName(['embedded', 'bullmq', 'rabbitmq', 'memory', 'none'], 'JobQueue').default('embedded'),
  redisUrl: z.string().default('redis://127.0.0.1:6379'),
  rabbitmqUrl: z.string().default('amqp://guest:guest@127.0.0.1:5672'),
  queueName: z.string().default('agw-executions'),
  keyPrefix: z.string().default('agw'),
  workers: z.number().int().min(1).max(256).default(4),
  maxRetries: z.number().int().min(0).max(100).default(3),
  retryBackoffMs: z.number().int().min(0).default(1000),
  visibilityTimeoutSeconds: z.number().int().min(5).default(300),
  drainTimeoutSeconds: z.number().int().min(0).default(30),
  defaultExecutionMode: z.enum(['sync', 'async']).default('sync'),
  /** Whether this process runs queued executions (`false` for API-only instances). */
  runWorkers: z.boolean().default(true),
  /** How often one instance (under a database lease) re-schedules queued executions whose job is lost. */
  reconcileIntervalSeconds: z.number().min(0.1).default(10),
  /** How long an execution stays `queued` before the reconciler checks that its job exists. */
  reconcileGraceSeconds: z.number().min(0).default(30),
  /** BullMQ: how long a worker's lock on a running job lasts (renewed at half of it). */
  bullmqLockDurationMs: z.number().int().min(1000).default(10_000),
  /** BullMQ: how often workers look for jobs whose lock expired (their worker died). */
  bullmqStalledIntervalMs: z.number().int().min(500).default(5_000),
  /** RabbitMQ: the AMQP heartbeat, which detects a dead peer on a connection that stays open. */
  rabbitmqHeartbeatSeconds: z.number().int().min(0).default(10),
  /**
   * How live updates and cancel requests reach other instances. `auto`: Redis with the bullmq
   * backend, Postgres with Postgres persistence, otherwise in-process.
   */
  eventBus: backendName(['auto', 'memory', 'redis', 'postgres'], 'EventBus').default('auto'),
})

export const schedulerSchema = z.object({
  enabled: z.boolean().default(true),
  misfireGraceSeconds: z.number().int().min(0).default(60),
  maxInstances: z.number().int().min(1).default(1),
  coalesce: z.boolean().default(true),
})

const webhookSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, . _ - only'),
  url: z.string().url(),
  /**
   * Signing secret. With `signature: standard` or `both` it is a Standard Webhooks secret,
   * `whsec_` + base64 of 24–64 random bytes; with `reference` any string. Empty: the
   * `webhook_secret` default, and without one nothing is signed.
   */
  secret: z.string().default(''),
  /** Event types sent to this endpoint; empty for all. */
  events: z.array(z.enum(notificationEventTypes)).default([]),
  /** A JSON template with `{{ event.field }}` placeholders in place of the default payload. */
  payloadTemplate: z
    .string()
    .refine((text) => !('error' in parseTemplate(text)), {
      message: 'must be JSON with {{ placeholders }} inside strings',
    })
    .optional(),
  /**
   * How deliveries are signed: `standard` (Standard Webhooks: `webhook-id`, `webhook-timestamp`,
   * `webhook-signature`), `reference` (agents-gateway's `X-AgentGateway-Timestamp` and
   * `X-AgentGateway-Signature: sha256=…`) or `both`. Unset: `standard` with a `whsec_` secret
   * or none, `reference` with any other secret (as an agents-gateway configuration has).
   */
  signature: z.enum(['standard', 'reference', 'both']).optional(),
})

/** How a webhook's deliveries are signed, its own `signature` or the one its secret implies. */
export function webhookSignature(
  signature: 'standard' | 'reference' | 'both' | undefined,
  secret: string,
): 'standard' | 'reference' | 'both' {
  return signature ?? (secret === '' || secret.startsWith('whsec_') ? 'standard' : 'reference')
}

/** A Standard Webhooks secret: `whsec_` and base64 of 24 to 64 bytes. */
export function isStandardWebhookSecret(secret: string): boolean {
  if (!secret.startsWith('whsec_')) return false
  const encoded = secret.slice('whsec_'.length)
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) return false
  const bytes = (encoded.length / 4) * 3 - (encoded.endsWith('==') ? 2 : encoded.endsWith('=') ? 1 : 0)
  return bytes >= 24 && bytes <= 64
}

export const notificationsSchema = z
  .object({
    slack: z
      .object({
        enabled: z.boolean().default(false),
        botToken: z.string().default(''),
        defaultChannel: z.string().default('#agent-alerts'),
        /** Slack's Web API base URL (a test server's in tests). */
        apiUrl: z.string().url().default('https://slack.com/api'),
      })
      .prefault({}),
    webhooks: z.array(webhookSchema).default([]),
    /** The secret of endpoints and inline URLs without their own. */
    webhookSecret: z.string().default(''),
    /**
     * Networks notifications may reach although they are private, loopback or link-local: IPs,
     * CIDRs, or `loopback`, `linklocal`, `uniquelocal`. Empty: only public addresses.
     */
    allowedNetworks: z.array(z.string().min(1)).default([]),
    /** Attempts per delivery, the first included, before it is dead. */
    maxAttempts: z.number().int().min(1).max(50).default(6),
    /** Delay before the first retry; doubles each retry. */
    retryBackoffMs: z.number().int().min(0).default(5000),
    /** The longest delay between two attempts. */
    maxBackoffMs: z.number().int().min(0).default(600_000),
    /** How long a receiver may take to answer one attempt. */
    timeoutMs: z.number().int().min(100).default(10_000),
    /** The default payload's `output` is cut to this many characters. */
    maxOutputChars: z.number().int().min(0).default(4000),
  })
  .superRefine((value, context) => {
    const names = new Set<string>()
    value.webhooks.forEach((webhook, index) => {
      if (names.has(webhook.name))
        context.addIssue({
          code: 'custom',
          path: ['webhooks', index, 'name'],
          message: 'duplicate webhook name',
        })
      names.add(webhook.name)
      const secret = webhook.secret || value.webhookSecret
      if (
        webhookSignature(webhook.signature, secret) !== 'reference' &&
        secret &&
        !isStandardWebhookSecret(secret)
      ) {
        context.addIssue({
          code: 'custom',
          path: ['webhooks', index, webhook.secret ? 'secret' : 'signature'],
          message:
            'a Standard Webhooks secret is "whsec_" + base64 of 24-64 random bytes (e.g. "whsec_$(openssl rand -base64 32)"); use signature: reference for a plain shared secret',
        })
      }
    })
  })

/**
 * How the gateway authenticates to a streamable HTTP MCP server. One flat object (not a union)
 * so unknown keys are reported against the whole set: `bearer` sends `token`, `api_key` sends
 * `key` in `header` (default `X-API-Key`), `oauth2_client_credentials` fetches a token from
 * `token_url` with `client_id`/`client_secret` (form body), caches it until shortly before it
 * expires and fetches a new one when the server answers 401.
 */
export const mcpAuthSchema = z
  .object({
    type: z.enum(['none', 'bearer', 'api_key', 'oauth2_client_credentials']).default('none'),
    token: z.string().optional(),
    header: z.string().default('X-API-Key'),
    key: z.string().optional(),
    tokenUrl: z.string().url().optional(),
    clientId: z.string().optional(),
    clientSecret: z.string().optional(),
    scopes: z.array(z.string()).default([]),
    audience: z.string().optional(),
  })
  .superRefine((auth, context) => {
    const need = (field: keyof typeof auth, key: string) => {
      if (!auth[field])
        context.addIssue({ code: 'custom', path: [field], message: `auth type ${auth.type} needs ${key}` })
    }
    if (auth.type === 'bearer') need('token', 'token')
    if (auth.type === 'api_key') need('key', 'key')
    if (auth.type === 'oauth2_client_credentials') {
      need('tokenUrl', 'token_url')
      need('clientId', 'client_id')
      need('clientSecret', 'client_secret')
    }
  })

export const mcpServerSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/),
    transport: z.enum(['stdio', 'streamable_http']),
    command: z.string().optional(),
    args: z.array(z.string()).default([]),
    env: z.record(z.string(), z.string()).default({}),
    cwd: z.string().optional(),
    url: z.string().url().optional(),
    headers: z.record(z.string(), z.string()).default({}),
    auth: mcpAuthSchema.prefault({}),
    enabled: z.boolean().default(true),
    /** Override `mcp.connection_timeout_ms` for this server. */
    connectionTimeoutMs: durationMs.optional(),
    /** Override `mcp.tool_call_timeout_ms` for this server. */
    toolCallTimeoutMs: durationMs.optional(),
  })
  .superRefine((server, context) => {
    if (server.transport === 'stdio' && !server.command)
      context.addIssue({ code: 'custom', path: ['command'], message: 'a stdio server needs command' })
    if (server.transport === 'streamable_http' && !server.url)
      context.addIssue({ code: 'custom', path: ['url'], message: 'a streamable_http server needs url' })
  })

export const mcpSchema = z.object({
  toolCallTimeoutMs: durationMs.default(30_000),
  connectionTimeoutMs: durationMs.default(10_000),
  servers: z.array(mcpServerSchema).default([]),
})

export const corsSchema = z
  .object({
    enabled: z.boolean().default(false),
    allowOrigins: z.array(z.string()).default([]),
    allowMethods: z.array(z.string()).default(['GET', 'POST', 'DELETE', 'OPTIONS']),
    allowHeaders: z
      .array(z.string())
      .default(['Authorization', 'Content-Type', 'Last-Event-ID', 'Idempotency-Key']),
    exposeHeaders: z
      .array(z.string())
      .default(['Location', 'Retry-After', 'X-Request-Id', 'Idempotent-Replayed']),
    allowCredentials: z.boolean().default(false),
    maxAge: z.number().int().min(0).default(3600),
  })
  .superRefine((cors, context) => {
    // Browsers refuse credentialed responses to a wildcard origin; saying so at start-up beats a
    // CORS setup that silently never works.
    if (cors.enabled && cors.allowCredentials && cors.allowOrigins.includes('*')) {
      context.addIssue({
        code: 'custom',
        path: ['allowCredentials'],
        message:
          'allow_credentials cannot be combined with allow_origins "*": list the origins that may send credentials',
      })
    }
  })

const rateSpec = z
  .string()
  .regex(/^\d+\s*\/\s*(second|minute|hour|day)$/, 'use "<count>/<second|minute|hour|day>"')

export const rateLimitSchema = z.object({
  enabled: z.boolean().default(false),
  defaultLimit: rateSpec.default('100/minute'),
  /** Stricter budget for failed credentials per client, against brute force. */
  authFailureLimit: rateSpec.default('10/minute'),
  store: backendName(['memory', 'redis'], 'RateLimitStore').default('memory'),
  redisUrl: z.string().optional(),
  keyPrefix: z.string().default('agw-rl'),
})

export const securitySchema = z.object({
  enabled: z.boolean().default(true),
  xContentTypeOptions: z.string().default('nosniff'),
  xFrameOptions: z.string().default('DENY'),
  /** Sent only on secure requests; `""` disables it. */
  strictTransportSecurity: z.string().default('max-age=31536000; includeSubDomains'),
  referrerPolicy: z.string().default('strict-origin-when-cross-origin'),
  /** CSP of JSON API responses. */
  contentSecurityPolicy: z.string().default("default-src 'none'; frame-ancestors 'none'"),
  /** CSP of dashboard pages; `{nonce}` is replaced per request. */
  dashboardContentSecurityPolicy: z.string().optional(),
  /** CSP of the docs pages; `{nonce}` is replaced per request. */
  docsContentSecurityPolicy: z.string().optional(),
})

export const proxySchema = z.object({
  /**
   * Peers whose `X-Forwarded-*` / `Forwarded` headers are believed: IPs, CIDRs, or `*`. Empty
   * means forwarded headers are always ignored.
   */
  forwardedAllowIps: z.union([z.string(), z.array(z.string())]).default([]),
})

const colorPair = z.string().regex(/^#[0-9a-fA-F]{3,8}$/, 'a hex colour like #6366f1')

/** Branding URLs: a gateway path (`/brand/logo.svg`, prefixed when rendered), an http(s) URL or an image data URI. */
const brandingUrl = z
  .string()
  .regex(
    /^(\/(?!\/)|https?:\/\/|data:image\/)/,
    'a gateway path starting with "/", an http(s) URL or a data:image/ URI',
  )
  .nullable()
  .default(null)

export const dashboardSchema = z.object({
  enabled: z.boolean().default(false),
  title: z.string().default('agentgw'),
  subtitle: z.string().default('AI control plane'),
  /** Sidebar and login logo: a gateway path (prefixed when rendered) or an absolute URL (as is). */
  logoUrl: brandingUrl,
  faviconUrl: brandingUrl,
  auth: z
    .object({
      /** `false` makes every visitor an administrator: for a local machine only. */
      enabled: z.boolean().default(true),
      /** User login; an empty username or password disables it. */
      username: z.string().default(''),
      /** Plain text (hashed with argon2id at start) or an argon2id PHC string (`$argon2id$…`). */
      password: z.string().default(''),
      /** Admin login (break-glass beside SSO); an empty username or password disables it. */
      adminUsername: z.string().default(''),
      adminPassword: z.string().default(''),
      /** SSO users (email or subject) who are admins. */
      adminUsers: z.array(z.string()).default([]),
      loginButtonText: z.string().default('Sign in with SSO'),
      /** Failed password logins allowed per client IP and username. */
      loginFailureLimit: rateSpec.default('5/minute'),
      oauth2: z
        .object({
          issuer: z.string().url().optional(),
          clientId: z.string().optional(),
          clientSecret: z.string().optional(),
          scopes: z.array(z.string()).default(['openid', 'profile', 'email']),
        })
        .prefault({}),
      sessionCookieName: z
        .string()
        .regex(/^[A-Za-z0-9_-]+$/)
        .default('agw_session'),
      sessionCookieSameSite: z.enum(['lax', 'strict', 'none']).default('lax'),
      /** `null` = automatic: Secure whenever the request is secure (per trusted proxy headers). */
      sessionCookieSecure: z.boolean().nullable().default(null),
      sessionCookieDomain: z.string().nullable().default(null),
      sessionMaxAgeSeconds: z.number().int().min(60).default(86_400),
    })
    .prefault({}),
  theme: z
    .object({
      mode: z.enum(['light', 'dark', 'auto']).default('auto'),
      /** CSS colours by name (`primary`, `background`, …), exposed as `--agw-<name>` variables. */
      colors: z
        .record(z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'a lowercase name like primary'), colorPair)
        .default({}),
    })
    .prefault({}),
})

export const pythonSchema = z.object({
  /** Interpreter for `handler.py` tools: a name looked up on PATH, or a path (relative to the workspace). */
  command: z.string().min(1).default('python3'),
  /** Python worker processes at most; each runs one tool call at a time. */
  workers: z.number().int().min(1).max(64).default(2),
  /** How long a worker may take to start. */
  startTimeoutMs: durationMs.default(10_000),
})

export const contextRetrievalSchema = z.object({
  /** Each context file is cut at this many characters before it goes into a prompt. */
  maxContextFileChars: z.number().int().min(1).default(100_000),
  /** All context files of one agent together are cut at this many characters. */
  maxContextChars: z.number().int().min(1).default(200_000),
  /** Retrieved passages of one run together are cut at this many characters. */
  maxRetrievedChars: z.number().int().min(1).default(8000),
  /** Each retriever gets this long per retrieval; a late one is skipped. */
  retrieverTimeoutSeconds: z.number().min(0.1).default(10),
})

export const telemetrySchema = z.object({
  enabled: z.boolean().default(true),
  serviceName: z.string().default('agentgw'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Where `agentgw serve` sends spans and metrics: `none` (the default; a host process that
   * embeds the library registers its own OpenTelemetry SDK), `otlp` (OTLP over HTTP to
   * `endpoint`) or `console` (spans printed to stdout, for a look while developing). Read only by
   * `agentgw serve`, which then needs the OpenTelemetry SDK packages installed.
   */
  exporter: z.enum(['none', 'otlp', 'console']).default('none'),
  /**
   * Base URL of the OTLP/HTTP receiver (a collector's port 4318); spans go to `/v1/traces`,
   * metrics to `/v1/metrics` under it. `null` leaves it to `OTEL_EXPORTER_OTLP_ENDPOINT` or
   * `http://localhost:4318`.
   */
  endpoint: z.string().url().nullable().default(null),
  /** Headers sent with every OTLP export (e.g. an API key of a hosted backend). */
  headers: z.record(z.string(), z.string()).default({}),
  /** How often metrics are exported, with `exporter: otlp`. */
  metricsIntervalSeconds: z.number().min(1).max(3600).default(60),
})

export const secretsSchema = z.object({
  /**
   * Key that encrypts stored secrets (MCP credentials, personal-agent secrets): 32 random bytes
   * as base64 or hex. `null` reads `AGW_SECRET_KEY`; features that store secrets refuse to start
   * without one.
   */
  key: z.string().min(1).nullable().default(null),
  /** Keys used before a rotation, still accepted for reading values they sealed. */
  previousKeys: z.array(z.string().min(1)).default([]),
})

export const gatewayConfigSchema = z.object({
  timezone: timezone.default('UTC'),
  server: serverSchema.prefault({}),
  model: modelSchema.prefault({}),
  guardrails: guardrailsSchema.prefault({}),
  auth: authSchema.prefault({}),
  persistence: persistenceSchema.prefault({}),
  queue: queueSchema.prefault({}),
  scheduler: schedulerSchema.prefault({}),
  notifications: notificationsSchema.prefault({}),
  mcp: mcpSchema.prefault({}),
  cors: corsSchema.prefault({}),
  rateLimit: rateLimitSchema.prefault({}),
  security: securitySchema.prefault({}),
  proxy: proxySchema.prefault({}),
  dashboard: dashboardSchema.prefault({}),
  telemetry: telemetrySchema.prefault({}),
  secrets: secretsSchema.prefault({}),
  /** Agent memory defaults; `memory: true|false` is the shorthand for `enabled`. */
  memory: gatewayMemorySchema,
  contextRetrieval: contextRetrievalSchema.prefault({}),
  python: pythonSchema.prefault({}),
  /** Free-form values handed to every tool handler as `context.config`. */
  context: z.record(z.string(), z.unknown()).default({}),
})

/** The fully resolved configuration, defaults applied. */
export type GatewayConfig = z.output<typeof gatewayConfigSchema>

type DeepPartial<T> = T extends readonly (infer _Item)[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T

/** Configuration as data — what `gateway.yaml` and `AGW_*` variables can say: every key optional, camelCase. */
export type GatewayConfigData = DeepPartial<z.input<typeof gatewayConfigSchema>>

type Section<K extends keyof GatewayConfigData> = NonNullable<GatewayConfigData[K]>

/**
 * Configuration as accepted in code: the YAML's shape in camelCase, every key optional — and
 * wherever the YAML takes a backend name, an instance of that backend instead. The gateway uses
 * an instance it is given as it is and never closes it.
 *
 * @example
 * ```ts
 * new Gateway({
 *   persistence: { backend: myStorage },    // a GatewayStorage instead of 'sqlite' | 'postgres'
 *   queue: { backend: myQueue, eventBus: myBus },
 *   rateLimit: { enabled: true, store: myRateLimitStore },
 * })
 * ```
 */
export type GatewayConfigInput = Omit<GatewayConfigData, 'persistence' | 'queue' | 'rateLimit'> & {
  persistence?: Omit<Section<'persistence'>, 'backend'> & {
    /** `sqlite` (default), `postgres`, or a `GatewayStorage` instance. */
    backend?: Section<'persistence'>['backend'] | GatewayStorage
  }
  queue?: Omit<Section<'queue'>, 'backend' | 'eventBus'> & {
    /** `embedded` (default), `bullmq`, `rabbitmq`, `none`, or a `JobQueue` instance. */
    backend?: Section<'queue'>['backend'] | JobQueue
    /** `auto` (default), `memory`, `redis`, `postgres`, or an `EventBus` instance. */
    eventBus?: Section<'queue'>['eventBus'] | EventBus
  }
  rateLimit?: Omit<Section<'rateLimit'>, 'store'> & {
    /** `memory` (default), `redis`, or a `RateLimitStore` instance. */
    store?: Section<'rateLimit'>['store'] | RateLimitStore
  }
}

export { modelOverride as agentModelSchema }
