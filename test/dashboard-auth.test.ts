import { afterEach, describe, expect, it } from 'vitest'
import { Gateway, type GatewayOptions } from '../src/index.ts'
import { createLogger } from '../src/runtime/create-logger.ts'
import { createDashboardClient, parseSetCookie } from './support/dashboard-client.ts'
import { createTempWorkspace } from './support/temp-workspace.ts'
import { createTestGateway, readJson, simpleAgent, type TestGateway } from './support/test-gateway.ts'

const files = {
  'agents/helper/AGENT.md': simpleAgent('Help.', 'model: mock:echo'),
  'agents/writer/AGENT.md': simpleAgent('Write.', 'model: mock:echo'),
}
const logins = {
  authUsername: 'alice',
  authPassword: 'alice-password',
  adminUsername: 'root',
  adminPassword: 'root-password',
}

let t: TestGateway | undefined
afterEach(async () => {
  await t?.close()
  t = undefined
})

async function dashboardGateway(
  options: GatewayOptions = {},
  dashboard: Parameters<Gateway['useDashboard']>[0] = logins,
) {
  t = await createTestGateway(files, { persistence: { url: ':memory:' }, ...options })
  t.gateway.useDashboard(dashboard)
  return t.gateway
}

describe('dashboard sign-in', () => {
  it('redirects to the prefixed login with a next back to the page', async () => {
    const client = createDashboardClient(await dashboardGateway(), { mountPath: '/ai' })
    const response = await client.get('/dashboard/executions?status=failed')
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe(
      `/ai/dashboard/login?next=${encodeURIComponent('/ai/dashboard/executions?status=failed')}`,
    )
  })

  it('answers an unauthenticated htmx request with 204 and a prefixed HX-Redirect', async () => {
    const client = createDashboardClient(await dashboardGateway({ server: { rootPath: '/public' } }), {
      mountPath: '/ai',
    })
    const response = await client.get('/dashboard/executions', {
      'hx-request': 'true',
      'hx-current-url': 'http://gateway.test/public/ai/dashboard/executions?agent_id=helper',
    })
    expect(response.status).toBe(204)
    expect(response.headers.get('hx-redirect')).toBe(
      `/public/ai/dashboard/login?next=${encodeURIComponent('/public/ai/dashboard/executions?agent_id=helper')}`,
    )
  })

  it('signs in, sets an HttpOnly SameSite=Lax cookie scoped to the prefixed dashboard, and lands on next', async () => {
    const client = createDashboardClient(await dashboardGateway(), { mountPath: '/ai' })
    const response = await client.login('alice', 'alice-password', '/ai/dashboard/chat')
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/ai/dashboard/chat')
    const session = client.setCookies.find((cookie) => cookie.name === 'agw_session')
    expect(session?.attributes).toMatchObject({ path: '/ai/dashboard', httponly: true, samesite: 'Lax' })
    expect(session?.attributes.secure).toBeUndefined()
    expect((await client.get('/dashboard/chat')).status).toBe(200)
  })

  it('marks the cookie Secure behind a trusted TLS proxy, and not when the proxy is untrusted', async () => {
    const gateway = await dashboardGateway({ proxy: { forwardedAllowIps: ['10.0.0.1'] } })
    const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'example.com' }
    const trusted = createDashboardClient(gateway, {
      bindings: { remoteAddress: '10.0.0.1' },
      headers: forwarded,
    })
    await trusted.login('alice', 'alice-password')
    expect(trusted.setCookies.find((cookie) => cookie.name === 'agw_session')?.attributes.secure).toBe(true)
    const untrusted = createDashboardClient(gateway, {
      bindings: { remoteAddress: '10.9.9.9' },
      headers: forwarded,
    })
    await untrusted.login('alice', 'alice-password')
    expect(
      untrusted.setCookies.find((cookie) => cookie.name === 'agw_session')?.attributes.secure,
    ).toBeUndefined()
  })

  it('lets an explicit session_cookie_secure and same_site win', async () => {
    const client = createDashboardClient(
      await dashboardGateway({}, { ...logins, sessionCookieSecure: true, sessionCookieSameSite: 'strict' }),
    )
    await client.login('alice', 'alice-password')
    expect(client.setCookies.find((cookie) => cookie.name === 'agw_session')?.attributes).toMatchObject({
      secure: true,
      samesite: 'Strict',
      path: '/dashboard',
    })
  })

  it('never authenticates with an empty password, and an empty configured password turns that login off', async () => {
    const client = createDashboardClient(
      await dashboardGateway(
        {},
        { authUsername: 'alice', authPassword: '', adminUsername: 'root', adminPassword: 'pw-root-1' },
      ),
    )
    for (const [username, password] of [
      ['alice', ''],
      ['alice', 'anything'],
      ['root', ''],
      ['', ''],
    ] as const) {
      const response = await client.login(username, password)
      expect(response.status, `${username}/${password}`).toBe(401)
      expect(client.jar.has('agw_session')).toBe(false)
    }
    expect((await client.login('root', 'pw-root-1')).status).toBe(303)
  })

  it('refuses a bad password with 401 and stops guessing after the failure budget', async () => {
    const client = createDashboardClient(await dashboardGateway({}, { ...logins }))
    for (let attempt = 0; attempt < 5; attempt++)
      expect((await client.login('alice', `wrong-${attempt}`)).status).toBe(401)
    const blocked = await client.login('alice', 'alice-password')
    expect(blocked.status).toBe(429)
    expect(blocked.headers.get('retry-after')).toMatch(/^\d+$/)
    // Another username from the same client is counted separately.
    expect((await client.login('root', 'root-password')).status).toBe(303)
  })

  it('refuses a next that leaves the dashboard or the origin', async () => {
    const gateway = await dashboardGateway()
    for (const next of [
      'https://evil.example/',
      '//evil.example/x',
      '/ai/dashboard/../../host',
      '/other',
      '/ai/v1/agents',
    ]) {
      const client = createDashboardClient(gateway, { mountPath: '/ai' })
      const response = await client.login('alice', 'alice-password', next)
      expect(response.headers.get('location'), next).toBe('/ai/dashboard/')
    }
  })

  it('signs out by deleting the server-side session: the old cookie no longer works', async () => {
    const client = createDashboardClient(await dashboardGateway())
    await client.login('alice', 'alice-password')
    const cookie = client.jar.get('agw_session') as string
    const token = await client.csrfToken('/dashboard/agents')
    const out = await client.post('/dashboard/logout', { _csrf: token })
    expect(out.status).toBe(303)
    expect(out.headers.get('location')).toBe('/dashboard/login')
    const replay = createDashboardClient(t?.gateway as Gateway)
    replay.jar.set('agw_session', cookie)
    expect((await replay.get('/dashboard/agents')).status).toBe(302)
  })

  it('revokes the previous session when the same browser signs in again', async () => {
    const gateway = await dashboardGateway()
    const first = createDashboardClient(gateway)
    await first.login('alice', 'alice-password')
    const oldCookie = first.jar.get('agw_session') as string
    // The same browser posts the login form again while still holding its old session cookie.
    const again = createDashboardClient(gateway)
    const page = await (await again.get('/dashboard/login')).text()
    const token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? ''
    again.jar.set('agw_session', oldCookie)
    const response = await again.post('/dashboard/login', {
      _csrf: token,
      next: '',
      username: 'alice',
      password: 'alice-password',
    })
    expect(response.status).toBe(303)
    expect(again.jar.get('agw_session')).not.toBe(oldCookie)
    expect((await again.get('/dashboard/agents')).status).toBe(200)
    expect((await first.get('/dashboard/agents')).status).toBe(302)
  })

  it('refuses the login form posted cross-site without the double-submit token', async () => {
    const client = createDashboardClient(await dashboardGateway())
    await client.get('/dashboard/login')
    const response = await client.post(
      '/dashboard/login',
      { username: 'alice', password: 'alice-password' },
      { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    )
    expect(response.status).toBe(403)
    expect(client.jar.has('agw_session')).toBe(false)
  })
})

describe('dashboard roles and CSRF', () => {
  it('hides admin pages from users and refuses them with 403', async () => {
    const client = createDashboardClient(await dashboardGateway())
    await client.login('alice', 'alice-password')
    const page = await (await client.get('/dashboard/agents')).text()
    expect(page).not.toContain('/dashboard/analytics')
    expect(page).not.toContain('data-testid="toggle-agent"')
    expect((await client.get('/dashboard/analytics')).status).toBe(403)
    const token = await client.csrfToken('/dashboard/agents')
    expect((await client.post('/dashboard/agents/helper/toggle', { _csrf: token })).status).toBe(403)
    const htmx = await client.post(
      '/dashboard/agents/helper/toggle',
      { _csrf: token },
      { 'hx-request': 'true' },
    )
    expect(htmx.status).toBe(403)
    expect(htmx.headers.get('hx-reswap')).toBe('none')
  })

  it('refuses a cross-origin POST without the token (403) and changes nothing', async () => {
    const gateway = await dashboardGateway()
    const client = createDashboardClient(gateway)
    await client.login('root', 'root-password')
    const refused = await client.post(
      '/dashboard/agents/helper/toggle',
      {},
      { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    )
    expect(refused.status).toBe(403)
    expect((await readJson(gateway.fetch(new Request('http://gateway.test/v1/agents/helper')))).enabled).toBe(
      true,
    )
    // The same request from the dashboard itself (fetch metadata) goes through.
    const accepted = await client.post(
      '/dashboard/agents/helper/toggle',
      {},
      { 'sec-fetch-site': 'same-origin' },
    )
    expect(accepted.status).toBe(303)
    expect((await readJson(gateway.fetch(new Request('http://gateway.test/v1/agents/helper')))).enabled).toBe(
      false,
    )
  })

  it('accepts the session token, or an Origin equal to the public origin', async () => {
    const gateway = await dashboardGateway()
    const client = createDashboardClient(gateway)
    await client.login('root', 'root-password')
    const token = await client.csrfToken('/dashboard/agents')
    expect((await client.post('/dashboard/agents/helper/toggle', {}, { 'x-csrf-token': token })).status).toBe(
      303,
    )
    expect(
      (await client.post('/dashboard/agents/helper/toggle', {}, { origin: 'http://gateway.test' })).status,
    ).toBe(303)
    expect(
      (await client.post('/dashboard/agents/helper/toggle', {}, { 'x-csrf-token': 'forged' })).status,
    ).toBe(403)
  })

  it('makes the API refuse an agent an admin disabled in the dashboard', async () => {
    const gateway = await dashboardGateway()
    const client = createDashboardClient(gateway)
    await client.login('root', 'root-password')
    await client.post('/dashboard/agents/writer/toggle', {}, { 'sec-fetch-site': 'same-origin' })
    const invoke = await gateway.fetch(
      new Request('http://gateway.test/v1/agents/writer/invoke', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'hi' }),
      }),
    )
    expect(invoke.status).toBe(503)
    expect((await readJson(invoke)).error.code).toBe('agent_disabled')
  })
})

describe('dashboard configuration', () => {
  async function startError(dashboard: Parameters<Gateway['useDashboard']>[0]): Promise<Error> {
    const workspace = await createTempWorkspace(files)
    const gateway = new Gateway({
      workspace: workspace.root,
      auth: { mode: 'none' },
      persistence: { enabled: false },
      logger: createLogger({ level: 'silent' }),
    }).useDashboard(dashboard)
    try {
      await gateway.start()
      await gateway.stop()
    } catch (error) {
      return error as Error
    } finally {
      await workspace.remove()
    }
    throw new Error('expected the start to fail')
  }

  it('refuses a dashboard without any login, a user named like the admin, and half an SSO client', async () => {
    expect((await startError({})).message).toMatch(/dashboard\.auth: the dashboard needs a login/)
    expect(
      (
        await startError({
          authUsername: 'same',
          authPassword: 'a-pass',
          adminUsername: 'same',
          adminPassword: 'b-pass',
        })
      ).message,
    ).toMatch(/admin username must differ/)
    expect((await startError({ oauth2Issuer: 'https://id.example', oauth2ClientId: 'x' })).message).toMatch(
      /client_secret/,
    )
  })

  it('accepts an argon2id PHC string as the configured password', async () => {
    const { hash } = await import('@node-rs/argon2')
    const client = createDashboardClient(
      await dashboardGateway({}, { adminUsername: 'root', adminPassword: await hash('from-a-vault') }),
    )
    expect((await client.login('root', 'from-a-vault')).status).toBe(303)
  })

  it('answers 404 while the dashboard is off', async () => {
    t = await createTestGateway(files, { persistence: { enabled: false } })
    expect((await t.request('/dashboard/login')).status).toBe(404)
    expect((await t.request('/dashboard/static/dashboard.css')).status).toBe(404)
  })
})

it('parses Set-Cookie attributes', () => {
  expect(parseSetCookie('a=b; Path=/x; HttpOnly; SameSite=Lax')).toEqual({
    name: 'a',
    value: 'b',
    attributes: { path: '/x', httponly: true, samesite: 'Lax' },
  })
})
