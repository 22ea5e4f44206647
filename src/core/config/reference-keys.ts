/**
 * The gateway.yaml keys of agents-gateway (the Python system agentgw replaces) that agentgw does
 * not spell the same way, and what becomes of each. One table, so a later feature moves a key
 * from `unsupported` to `renamed`/`translated` (or drops the entry once the key is native) in
 * one place. Keys agentgw reads natively under the same name are not listed.
 *
 * Paths are snake_case as written in YAML (and in `AGW_*` variables, lowercased).
 */

/** What a translated key turns into: values to set (snake_case paths) and warnings to show. */
export interface KeyTranslation {
  set?: [path: string, value: unknown][]
  warnings?: string[]
}

export type ReferenceKey =
  /** Honoured with the same meaning under agentgw's name. */
  | { kind: 'renamed'; to: string }
  /** Honoured with the same meaning, through a value translation. */
  | {
      kind: 'translated'
      /** `section` is the mapping that holds the key, as written (read-only). */
      translate: (value: unknown, section: Readonly<Record<string, unknown>>) => KeyTranslation
    }
  /** Not honoured (yet): named in a warning that says what to do instead. */
  | { kind: 'unsupported'; instead: string }

function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value
  if (typeof value === 'string') {
    if (/^(true|yes|on|1)$/i.test(value.trim())) return true
    if (/^(false|no|off|0)$/i.test(value.trim())) return false
  }
  return undefined
}

/** Paths the reference used for routes, and the route ids agentgw names them by. */
const publicPathRoutes: Readonly<Record<string, string>> = {
  '/v1/health': 'health',
  '/openapi.json': 'docs.openapi',
  '/docs': 'docs.ui',
}

/** Colours of the reference dashboard theme that agentgw's dashboard has no place for. */
const unusedThemeColors = new Set(['secondary', 'accent', 'sidebar'])

const otelInstead =
  "agentgw exports OTLP over HTTP only (`telemetry.exporter: otlp` with `telemetry.endpoint` at the collector's HTTP port, 4318, in `agentgw serve`); for anything else configure the OpenTelemetry SDK of the host process"

export const referenceKeys: Readonly<Record<string, ReferenceKey>> = {
  'server.workers': {
    kind: 'unsupported',
    instead:
      'one `agentgw serve` is one process: run several behind a load balancer, and `agentgw serve --worker-only` for more queue workers',
  },

  'auth.enabled': {
    kind: 'translated',
    translate(value, section) {
      const enabled = toBoolean(value)
      if (enabled === undefined) return { warnings: ['expected true or false; ignored (auth stays on)'] }
      if (enabled) return {}
      const mode = section.mode
      return {
        set: [['auth.mode', 'none']],
        warnings:
          mode !== undefined && mode !== 'none'
            ? [`auth.enabled: false turns auth off; auth.mode: ${String(mode)} is ignored`]
            : [],
      }
    },
  },
  'auth.public_paths': {
    kind: 'translated',
    translate(value) {
      if (!Array.isArray(value)) return { warnings: ['expected a list of paths; ignored'] }
      const routes: string[] = []
      const unmapped: string[] = []
      for (const entry of value) {
        const route = typeof entry === 'string' ? publicPathRoutes[entry.replace(/\/+$/, '')] : undefined
        if (route) routes.push(route)
        else unmapped.push(String(entry))
      }
      return {
        set: [['auth.public_routes', routes]],
        warnings:
          unmapped.length > 0
            ? [
                `${unmapped.join(', ')}: agentgw names public routes by route id in auth.public_routes (see docs/security.md), never by path; these stay protected`,
              ]
            : [],
      }
    },
  },

  'persistence.db_schema': { kind: 'renamed', to: 'persistence.schema' },

  'telemetry.protocol': { kind: 'unsupported', instead: otelInstead },
  'telemetry.sample_rate': { kind: 'unsupported', instead: otelInstead },

  'queue.backend': {
    kind: 'translated',
    translate(value) {
      // `memory`, `rabbitmq` and `none` are agentgw values too; `redis` meant Redis Streams.
      return { set: [['queue.backend', value === 'redis' ? 'bullmq' : value]] }
    },
  },
  'queue.stream_key': {
    kind: 'unsupported',
    instead: 'the BullMQ queue (backend redis) is named by queue.queue_name under queue.key_prefix',
  },
  'queue.consumer_group': {
    kind: 'unsupported',
    instead: 'BullMQ workers share queue.queue_name without a consumer group; remove it',
  },
  'queue.visibility_timeout_s': { kind: 'renamed', to: 'queue.visibility_timeout_seconds' },
  'queue.drain_timeout_s': { kind: 'renamed', to: 'queue.drain_timeout_seconds' },

  'scheduler.distributed_lock': {
    kind: 'unsupported',
    instead:
      'nothing to configure: every instance claims schedule ticks in the database, so each fires once; remove it',
  },

  'rate_limit.storage_uri': {
    kind: 'translated',
    translate(value) {
      if (value === null || value === undefined || value === '') return {}
      const uri = String(value)
      if (/^rediss?:\/\//.test(uri)) {
        return {
          set: [
            ['rate_limit.store', 'redis'],
            ['rate_limit.redis_url', uri],
          ],
        }
      }
      if (uri.startsWith('memory://')) return { set: [['rate_limit.store', 'memory']] }
      return {
        warnings: [
          `"${uri}" is not supported: use rate_limit.store memory, or redis with rate_limit.redis_url; ignored (limits are counted in memory)`,
        ],
      }
    },
  },
  'rate_limit.default_limit': {
    kind: 'translated',
    translate(value) {
      // slowapi also reads "100 per minute" and "100/1 minute"; agentgw writes "100/minute".
      const match =
        typeof value === 'string'
          ? /^\s*(\d+)\s*(?:\/|per)\s*(?:1\s*)?(second|minute|hour|day)s?\s*$/i.exec(value)
          : null
      const normalized = match ? `${match[1]}/${(match[2] as string).toLowerCase()}` : value
      return { set: [['rate_limit.default_limit', normalized]] }
    },
  },
  'rate_limit.trust_forwarded_for': {
    kind: 'unsupported',
    instead: 'client IPs come from X-Forwarded-For only when the peer is listed in proxy.forwarded_allow_ips',
  },

  'proxy.trust_forwarded': {
    kind: 'translated',
    translate(value, section) {
      const trusted = toBoolean(value)
      if (trusted === undefined) {
        return { warnings: ['expected true or false; ignored (no forwarded headers are trusted)'] }
      }
      if (trusted) {
        // The reference trusted 127.0.0.1 unless forwarded_allow_ips said otherwise.
        return section.forwarded_allow_ips === undefined
          ? { set: [['proxy.forwarded_allow_ips', '127.0.0.1']] }
          : {}
      }
      return {
        set: [['proxy.forwarded_allow_ips', []]],
        warnings:
          section.forwarded_allow_ips !== undefined
            ? ['trust_forwarded is false, so proxy.forwarded_allow_ips is ignored (as in agents-gateway)']
            : [],
      }
    },
  },

  'dashboard.icon_url': { kind: 'renamed', to: 'dashboard.favicon_url' },
  'dashboard.auth.session_secret': {
    kind: 'unsupported',
    instead:
      'dashboard sessions are stored server-side and signed with a secret agentgw keeps in its database; remove it',
  },
  'dashboard.auth.session_cookie_https_only': {
    kind: 'renamed',
    to: 'dashboard.auth.session_cookie_secure',
  },
  'dashboard.theme.accent_color': { kind: 'renamed', to: 'dashboard.theme.colors.primary' },
  'dashboard.theme.accent_color_dark': { kind: 'renamed', to: 'dashboard.theme.colors.primary-dark' },
  'dashboard.theme.colors': {
    kind: 'translated',
    translate(value) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return { set: [['dashboard.theme.colors', value]] }
      }
      const colors: Record<string, unknown> = {}
      const unused: string[] = []
      for (const [name, color] of Object.entries(value)) {
        // The reference writes dark variants as `<name>_dark`; agentgw as `<name>-dark`.
        const base = name.replace(/[_-]dark$/, '')
        if (unusedThemeColors.has(base)) unused.push(name)
        else colors[name.replace(/_dark$/, '-dark')] = color
      }
      return {
        set: [['dashboard.theme.colors', colors]],
        warnings:
          unused.length > 0
            ? [
                `${unused.join(', ')}: the agentgw dashboard has no such colour (it uses primary, background, surface, text, muted, border, success, warning, danger, each with a -dark variant); ignored`,
              ]
            : [],
      }
    },
  },
}

/** The `AGW_*` name for a reference `AGENT_GATEWAY_*` variable, when there is one. */
export function toAgwVariable(variable: string): string | undefined {
  const rest = variable.slice('AGENT_GATEWAY_'.length)
  if (!rest.includes('__')) return undefined
  const path = rest.toLowerCase().split('__').join('.')
  const rule = referenceKeys[path]
  if (rule?.kind === 'unsupported') return undefined
  const target = rule?.kind === 'renamed' ? rule.to : path
  return `AGW_${target.split('.').join('__').toUpperCase()}`
}
