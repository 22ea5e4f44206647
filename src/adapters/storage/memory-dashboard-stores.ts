import type { AgentOverride, AgentOverrideStore } from '../../core/ports/agent-override-store.ts'
import type {
  DashboardSessionRecord,
  DashboardSessionStore,
} from '../../core/ports/dashboard-session-store.ts'
import type { LoginFailureStore } from '../../core/ports/login-failure-store.ts'
import type { SecretStore } from '../../core/ports/secret-store.ts'

/**
 * The dashboard's state in this process only, for `persistence.enabled: false`: sign-ins,
 * overrides and failure counters are lost on restart and invisible to other instances (the
 * gateway logs a warning at start).
 */
export interface MemoryDashboardStores {
  dashboardSessions: DashboardSessionStore
  secrets: SecretStore
  agentOverrides: AgentOverrideStore
  loginFailures: LoginFailureStore
}

export function createMemoryDashboardStores(): MemoryDashboardStores {
  const sessions = new Map<string, DashboardSessionRecord>()
  const secrets = new Map<string, string>()
  const overrides = new Map<string, AgentOverride>()
  const failures = new Map<string, { failures: number; windowStartedAt: number }>()
  return {
    dashboardSessions: {
      async create(record) {
        if (sessions.has(record.idHash)) throw new Error('a dashboard session with this id already exists')
        sessions.set(record.idHash, { ...record })
      },
      async get(idHash, now) {
        const record = sessions.get(idHash)
        return record && record.expiresAt > now ? { ...record } : undefined
      },
      async delete(idHash) {
        sessions.delete(idHash)
      },
      async deleteExpired(now) {
        let removed = 0
        for (const [key, record] of sessions) {
          if (record.expiresAt <= now) {
            sessions.delete(key)
            removed++
          }
        }
        return removed
      },
    },
    secrets: {
      async getOrCreate(name, create) {
        let value = secrets.get(name)
        if (value === undefined) {
          value = create()
          secrets.set(name, value)
        }
        return value
      },
    },
    agentOverrides: {
      async list() {
        return [...overrides.values()].map((override) => ({ ...override }))
      },
      async put(override) {
        overrides.set(override.agentId, { ...override })
      },
    },
    loginFailures: {
      async count(key, windowMs, now) {
        const entry = failures.get(key)
        if (!entry || entry.windowStartedAt + windowMs <= now) return { failures: 0, resetAt: now }
        return { failures: entry.failures, resetAt: entry.windowStartedAt + windowMs }
      },
      async record(key, windowMs, now) {
        const entry = failures.get(key)
        const next =
          !entry || entry.windowStartedAt + windowMs <= now
            ? { failures: 1, windowStartedAt: now }
            : { failures: entry.failures + 1, windowStartedAt: entry.windowStartedAt }
        failures.set(key, next)
        return next.failures
      },
      async clear(key) {
        failures.delete(key)
      },
    },
  }
}
