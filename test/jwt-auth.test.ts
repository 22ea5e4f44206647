import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createTestGateway, readJson, simpleAgent, type TestGateway } from './support/test-gateway.ts'

interface KeyPair {
  privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey']
  jwk: JWK
}

let server: Server
let issuer: string
let published: JWK[] = []
let jwksRequests = 0
let keyA: KeyPair
let keyB: KeyPair
let t: TestGateway

async function makeKey(kid: string): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true })
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } }
}

function token(
  key: KeyPair,
  claims: Record<string, unknown> = {},
  options: { expiresIn?: string; issuer?: string; audience?: string } = {},
) {
  return new SignJWT({ scope: 'agents:read agents:invoke', ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: key.jwk.kid as string })
    .setSubject('user-42')
    .setIssuer(options.issuer ?? issuer)
    .setAudience(options.audience ?? 'agentgw-api')
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '5m')
    .sign(key.privateKey)
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

beforeAll(async () => {
  keyA = await makeKey('key-a')
  keyB = await makeKey('key-b')
  published = [keyA.jwk]
  server = createServer((request, response) => {
    if (request.url === '/.well-known/openid-configuration') {
      response.setHeader('content-type', 'application/json')
      response.end(
        JSON.stringify({
          issuer,
          jwks_uri: `${issuer}/keys`,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
        }),
      )
    } else if (request.url === '/keys') {
      jwksRequests++
      response.setHeader('content-type', 'application/json')
      response.end(JSON.stringify({ keys: published }))
    } else {
      response.statusCode = 404
      response.end()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  t = await createTestGateway(
    { 'agents/helper/AGENT.md': simpleAgent('Help.', 'model: mock:echo') },
    { auth: { mode: 'oauth2', oauth2: { issuer, audience: 'agentgw-api' } } },
  )
})
afterAll(async () => {
  await t.close()
  await new Promise((resolve) => server.close(resolve))
})

const get = (authorization: string) =>
  t.request('/v1/agents', { headers: { authorization: `Bearer ${authorization}` } })

describe('JWT access tokens against a JWKS served over HTTP', () => {
  it('accepts a valid token and takes scopes from the scope claim', async () => {
    expect((await get(await token(keyA))).status).toBe(200)
    const noScope = await get(await token(keyA, { scope: 'agents:invoke' }))
    expect(noScope.status).toBe(403)
    expect((await readJson(noScope)).error.code).toBe('insufficient_scope')
  })

  it('refuses an expired token', async () => {
    const expired = await token(keyA, {}, { expiresIn: '-2m' })
    expect((await get(expired)).status).toBe(401)
  })

  it('refuses a wrong issuer and a wrong audience', async () => {
    expect((await get(await token(keyA, {}, { issuer: 'https://evil.example' }))).status).toBe(401)
    expect((await get(await token(keyA, {}, { audience: 'another-api' }))).status).toBe(401)
  })

  it('refuses alg none', async () => {
    const now = Math.floor(Date.now() / 1000)
    const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: 'x', iss: issuer, aud: 'agentgw-api', exp: now + 300, scope: 'agents:read' })}.`
    const response = await get(unsigned)
    expect(response.status).toBe(401)
    expect((await readJson(response)).error.code).toBe('invalid_credentials')
  })

  it('refuses HS256 signed with the public key as the secret (algorithm confusion)', async () => {
    const secret = new TextEncoder().encode(JSON.stringify(keyA.jwk))
    const forged = await new SignJWT({ scope: 'agents:read' })
      .setProtectedHeader({ alg: 'HS256', kid: 'key-a' })
      .setSubject('attacker')
      .setIssuer(issuer)
      .setAudience('agentgw-api')
      .setExpirationTime('5m')
      .sign(secret)
    expect((await get(forged)).status).toBe(401)
  })

  it('refetches the JWKS for an unknown kid at most once per cooldown, and accepts a rotated key', async () => {
    const { createJwtAuthenticator } = await import('../src/services/auth/jwt-authenticator.ts')
    const { createSilentLogger } = await import('../src/core/logger.ts')
    const authenticator = createJwtAuthenticator(
      { issuer, audience: 'agentgw-api', algorithms: ['RS256'], scopeClaim: 'scope', clockSkewSeconds: 30 },
      createSilentLogger(),
    )
    const check = async (key: KeyPair) =>
      (
        await authenticator.authenticate(
          new Request('http://x', { headers: { authorization: `Bearer ${await token(key)}` } }),
        )
      ).kind
    // The JWKS cache reads the clock through Date: move it instead of waiting out the 30 s cooldown.
    vi.useFakeTimers({ now: Date.now(), toFake: ['Date'] })
    const cooldownMs = 30_000
    try {
      published = [keyA.jwk]
      const start = jwksRequests
      expect(await check(keyA)).toBe('authenticated')
      expect(jwksRequests).toBe(start + 1)
      // Within the cooldown, unknown kids cause no fetch at all.
      vi.advanceTimersByTime(cooldownMs - 1000)
      for (let index = 0; index < 5; index++) expect(await check(keyB)).toBe('invalid')
      expect(jwksRequests).toBe(start + 1)
      // An unknown kid after the cooldown: one refetch, still refused (the key is not published).
      vi.advanceTimersByTime(1001)
      expect(await check(keyB)).toBe('invalid')
      expect(jwksRequests).toBe(start + 2)
      for (let index = 0; index < 5; index++) expect(await check(keyB)).toBe('invalid')
      expect(jwksRequests).toBe(start + 2)
      // The issuer rotates: after the cooldown the new key is fetched and accepted.
      published = [keyA.jwk, keyB.jwk]
      vi.advanceTimersByTime(cooldownMs + 1)
      expect(await check(keyB)).toBe('authenticated')
      expect(jwksRequests).toBe(start + 3)
    } finally {
      vi.useRealTimers()
      published = [keyA.jwk]
    }
  })

  it('documents an OAuth2 authorization-code scheme from discovery', async () => {
    const document = await readJson(t.request('/openapi.json'))
    expect(document.components.securitySchemes.oauth2.flows.authorizationCode).toMatchObject({
      authorizationUrl: `${issuer}/authorize`,
      tokenUrl: `${issuer}/token`,
    })
    expect(document.paths['/v1/agents'].get.security).toEqual([
      { bearerAuth: ['agents:read'] },
      { oauth2: ['agents:read'] },
    ])
  })
})
