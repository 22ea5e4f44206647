import { describe, expect, it } from 'vitest'
import { createMemoryDashboardStores } from '../../adapters/storage/memory-dashboard-stores.ts'
import { dashboardSchema } from '../../core/config/schema.ts'
import { createSilentLogger } from '../../core/logger.ts'
import type { DashboardSessionRecord } from '../../core/ports/dashboard-session-store.ts'
import { createDashboardService } from './create-dashboard-service.ts'

async function service(auth: Record<string, unknown>) {
  const stores = createMemoryDashboardStores()
  return createDashboardService({
    config: dashboardSchema.parse({ enabled: true, auth }),
    sessions: stores.dashboardSessions,
    secrets: stores.secrets,
    loginFailures: stores.loginFailures,
    inMemory: true,
    logger: createSilentLogger(),
  })
}

const sso = {
  oauth2: { issuer: 'https://id.example', clientId: 'dash', clientSecret: 'secret' },
  adminUsers: ['Erin@Example.test', 'subject-42'],
  adminUsername: 'admin',
  adminPassword: 'break-glass-password',
}

function session(overrides: Partial<DashboardSessionRecord>): DashboardSessionRecord {
  return {
    idHash: 'x',
    principalId: 'sso:s',
    username: 'u',
    displayName: 'u',
    email: null,
    subject: 's',
    authMethod: 'sso',
    role: 'user',
    csrfToken: 't',
    createdAt: 0,
    expiresAt: 1,
    ...overrides,
  }
}

describe('dashboard roles', () => {
  it('makes an SSO user admin only when admin_users lists the email (any case) or the subject', async () => {
    const dashboard = await service(sso)
    expect(dashboard.isSsoAdmin({ email: 'erin@example.test', subject: 'a' })).toBe(true)
    expect(dashboard.isSsoAdmin({ email: null, subject: 'subject-42' })).toBe(true)
    expect(dashboard.isSsoAdmin({ email: 'dana@example.test', subject: 'b' })).toBe(false)
  })

  it('never makes an SSO user admin for having the admin username as email or subject', async () => {
    const dashboard = await service(sso)
    expect(dashboard.isSsoAdmin({ email: 'admin', subject: 'admin' })).toBe(false)
    expect(dashboard.roleOf(session({ email: 'admin', subject: 'admin', role: 'admin' }))).toBe('user')
  })

  it('re-derives roles from the config, ending sessions whose login is gone', async () => {
    const dashboard = await service({ username: 'alice', password: 'alice-password' })
    const password = { authMethod: 'password' as const, subject: null }
    expect(dashboard.roleOf(session({ ...password, username: 'alice', role: 'user' }))).toBe('user')
    expect(dashboard.roleOf(session({ ...password, username: 'alice', role: 'admin' }))).toBeUndefined()
    expect(dashboard.roleOf(session({ ...password, username: 'bob', role: 'user' }))).toBeUndefined()
    expect(dashboard.roleOf(session({ subject: 'someone' }))).toBeUndefined()
  })

  it('shares one signing secret between services on the same store', async () => {
    const stores = createMemoryDashboardStores()
    const make = () =>
      createDashboardService({
        config: dashboardSchema.parse({ enabled: true, auth: { adminUsername: 'a', adminPassword: 'b' } }),
        sessions: stores.dashboardSessions,
        secrets: stores.secrets,
        loginFailures: stores.loginFailures,
        inMemory: true,
        logger: createSilentLogger(),
      })
    expect((await make()).secret).toBe((await make()).secret)
  })
})
