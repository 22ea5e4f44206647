import { Writable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { Gateway } from '../src/index.ts'
import { createLogger } from '../src/runtime/create-logger.ts'
import { createTempWorkspace } from './support/temp-workspace.ts'
import { createTestGateway, readJson, simpleAgent, type TestGateway } from './support/test-gateway.ts'

const agentFiles = { 'agents/helper/AGENT.md': simpleAgent('Help.', 'model: mock:echo') }
const key = 'secret-key-value-1234567890'
let t: TestGateway | undefined
afterEach(async () => {
  await t?.close()
  t = undefined
})

async function startError(options: ConstructorParameters<typeof Gateway>[0]): Promise<Error> {
  const workspace = await createTempWorkspace(agentFiles)
  try {
    const gateway = new Gateway({
      workspace: workspace.root,
      persistence: { enabled: false },
      ...options,
      logger: createLogger({ level: 'silent' }),
    })
    await gateway.start()
    await gateway.stop()
  } catch (error) {
    return error as Error
  } finally {
    await workspace.remove()
  }
  throw new Error('expected the start to fail')
}

describe('fail-closed start-up', () => {
  it('refuses api_key mode without keys (the default mode)', async () => {
    const error = await startError({})
    expect(error.name).toBe('ConfigError')
    expect(error.message).toMatch(/auth\.api_keys: auth\.mode is api_key \(the default\) but no keys/)
    // The fix is in the message, for either choice.
    expect(error.message).toContain(
      '  auth:\n    api_keys:\n      - name: my-client\n        key: ${AGW_API_KEY}',
    )
    expect(error.message).toContain('  auth:\n    mode: none')
  })

  it('refuses oauth2 without an issuer, and symmetric algorithms', async () => {
    expect((await startError({ auth: { mode: 'oauth2' } })).message).toMatch(/issuer/)
    expect(
      (
        await startError({
          auth: { mode: 'oauth2', oauth2: { issuer: 'https://id.example', algorithms: ['HS256'] } },
        })
      ).message,
    ).toMatch(/"HS256" is not allowed/)
  })

  it('refuses custom mode without a function', async () => {
    expect((await startError({ auth: { mode: 'custom' } })).message).toMatch(/gw\.useAuth/)
  })

  it('refuses a malformed secret key from AGW_SECRET_KEY instead of generating one', async () => {
    const error = await startError({ auth: { mode: 'none' }, env: { AGW_SECRET_KEY: 'not-32-bytes' } })
    expect(error.name).toBe('ConfigError')
    expect(error.message).toMatch(/secrets\.key: must be 32 random bytes as base64 or hex/)
    expect(error.message).not.toContain('not-32-bytes')
  })

  it('refuses CORS credentials with a wildcard origin', async () => {
    const error = await startError({
      auth: { mode: 'none' },
      cors: { enabled: true, allowOrigins: ['*'], allowCredentials: true },
    })
    // Named as the caller wrote it; in gateway.yaml it is `cors.allow_credentials` with its line.
    expect(error.message).toMatch(/cors\.allowCredentials: allow_credentials cannot be combined/)
  })
})

describe('security headers', () => {
  it('puts the API policy on JSON responses, errors and 404s, and the docs policy on /docs', async () => {
    t = await createTestGateway(agentFiles)
    for (const path of ['/v1/health', '/v1/agents/ghost', '/nowhere']) {
      const response = await t.request(path)
      expect(response.headers.get('content-security-policy')).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      )
      expect(response.headers.get('x-content-type-options')).toBe('nosniff')
      expect(response.headers.get('x-frame-options')).toBe('DENY')
      expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin')
      expect(response.headers.get('strict-transport-security')).toBeNull()
    }
    const docs = await t.request('/docs')
    expect(docs.headers.get('content-security-policy')).toContain("script-src 'self'")
  })

  it('sends HSTS only when the request is secure per a trusted proxy', async () => {
    t = await createTestGateway(agentFiles, { proxy: { forwardedAllowIps: ['10.0.0.1'] } })
    const trusted = await t.request(
      '/v1/health',
      { headers: { 'x-forwarded-proto': 'https' } },
      { remoteAddress: '10.0.0.1' },
    )
    expect(trusted.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains')
    const spoofed = await t.request(
      '/v1/health',
      { headers: { 'x-forwarded-proto': 'https' } },
      { remoteAddress: '203.0.113.1' },
    )
    expect(spoofed.headers.get('strict-transport-security')).toBeNull()
  })

  it('can be configured and disabled', async () => {
    t = await createTestGateway(agentFiles, { security: { xFrameOptions: 'SAMEORIGIN' } })
    expect((await t.request('/v1/health')).headers.get('x-frame-options')).toBe('SAMEORIGIN')
    await t.close()
    t = await createTestGateway(agentFiles, { security: { enabled: false } })
    expect((await t.request('/v1/health')).headers.get('content-security-policy')).toBeNull()
  })
})

describe('CORS', () => {
  it('answers preflights for allowed origins only', async () => {
    t = await createTestGateway(agentFiles, {
      cors: { enabled: true, allowOrigins: ['https://app.example'] },
    })
    const allowed = await t.request('/v1/agents', {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    })
    expect(allowed.status).toBe(204)
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example')
    const other = await t.request('/v1/agents', { headers: { origin: 'https://evil.example' } })
    expect(other.headers.get('access-control-allow-origin')).toBeNull()
  })
})

describe('rate limits', () => {
  it('answers 429 with Retry-After and RateLimit headers once the budget is used', async () => {
    t = await createTestGateway(agentFiles, {
      auth: { mode: 'api_key', apiKeys: [{ name: 'ci', key }] },
      rateLimit: { enabled: true, defaultLimit: '3/minute' },
    })
    const call = () =>
      t?.request('/v1/agents', { headers: { authorization: `Bearer ${key}` } }) as Promise<Response>
    const first = await call()
    expect(first.headers.get('ratelimit-limit')).toBe('3')
    expect(first.headers.get('ratelimit-remaining')).toBe('2')
    await call()
    await call()
    const limited = await call()
    expect(limited.status).toBe(429)
    expect((await readJson(limited)).error.code).toBe('rate_limited')
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await t.request('/v1/health')).status).toBe(200)
  })

  it('blocks a client after repeated bad credentials', async () => {
    t = await createTestGateway(agentFiles, {
      auth: { mode: 'api_key', apiKeys: [{ name: 'ci', key }] },
      rateLimit: { enabled: true, authFailureLimit: '3/minute' },
    })
    const attempt = (credential: string) =>
      t?.request(
        '/v1/agents',
        { headers: { authorization: `Bearer ${credential}` } },
        { remoteAddress: '198.51.100.7' },
      ) as Promise<Response>
    for (let index = 0; index < 3; index++)
      expect((await attempt(`wrong-${index}-xxxxxxxxxxxx`)).status).toBe(401)
    expect((await attempt('wrong-again-xxxxxxxxxxxxx')).status).toBe(429)
    expect((await attempt(key)).status).toBe(429)
  })

  it('ignores X-Forwarded-For from an untrusted peer when choosing the rate-limit key', async () => {
    t = await createTestGateway(agentFiles, {
      auth: { mode: 'api_key', apiKeys: [{ name: 'ci', key }] },
      rateLimit: { enabled: true, authFailureLimit: '2/minute' },
    })
    const attempt = (forwardedFor: string) =>
      t?.request(
        '/v1/agents',
        { headers: { authorization: 'Bearer wrong-key-xxxxxxxxxxxxxx', 'x-forwarded-for': forwardedFor } },
        { remoteAddress: '198.51.100.9' },
      ) as Promise<Response>
    expect((await attempt('1.1.1.1')).status).toBe(401)
    expect((await attempt('2.2.2.2')).status).toBe(401)
    expect((await attempt('3.3.3.3')).status).toBe(429)
  })
})

describe('secrets', () => {
  it('never writes an API key or a failed credential to the logs or responses', async () => {
    let logs = ''
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logs += chunk.toString()
        done()
      },
    })
    const workspace = await createTempWorkspace(agentFiles)
    const gateway = new Gateway({
      workspace: workspace.root,
      persistence: { enabled: false },
      auth: { mode: 'api_key', apiKeys: [{ name: 'ci', key }] },
      logger: createLogger({ level: 'trace', destination: sink }),
    })
    const wrong = 'presented-but-wrong-credential-987'
    const refused = await gateway.fetch(
      new Request('http://x/v1/agents', { headers: { authorization: `Bearer ${wrong}` } }),
    )
    const accepted = await gateway.fetch(
      new Request('http://x/v1/agents', { headers: { authorization: `Bearer ${key}` } }),
    )
    const bodies = (await refused.text()) + (await accepted.text())
    await gateway.stop()
    await workspace.remove()
    expect(accepted.status).toBe(200)
    expect(logs).toContain('credentials refused')
    for (const secret of [key, wrong]) {
      expect(logs).not.toContain(secret)
      expect(bodies).not.toContain(secret)
    }
  })
})
