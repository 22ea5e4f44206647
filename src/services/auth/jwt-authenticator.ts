import { createRemoteJWKSet, type JWTPayload, errors as joseErrors, jwtVerify } from 'jose'
import type { GatewayConfig } from '../../core/config/schema.ts'
import type { Logger } from '../../core/logger.ts'
import { type Authenticator, bearerToken } from './authenticator.ts'

type OAuth2Config = GatewayConfig['auth']['oauth2']

/** Signature algorithms that verify with a public key. HMAC (`HS*`) and `none` are never accepted. */
export const asymmetricAlgorithms = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
]

function scopesOf(payload: JWTPayload, claim: string): string[] {
  const value = payload[claim] ?? (claim === 'scope' ? payload.scp : undefined)
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean)
  if (Array.isArray(value)) return value.filter((entry): entry is string => typeof entry === 'string')
  return []
}

/** Minimum time between JWKS refetches for unknown key ids, so forged `kid`s cannot hammer the issuer. */
const jwksCooldownMs = 30_000

/** Where an issuer publishes its keys: `jwks_uri` from OIDC discovery, else the conventional path. */
export async function discoverJwksUri(
  issuer: string,
  fetchImplementation: typeof fetch = fetch,
): Promise<string> {
  const base = issuer.replace(/\/$/, '')
  try {
    const response = await fetchImplementation(`${base}/.well-known/openid-configuration`, {
      signal: AbortSignal.timeout(5000),
    })
    if (response.ok) {
      const document = (await response.json()) as { jwks_uri?: unknown }
      if (typeof document.jwks_uri === 'string') return document.jwks_uri
    }
  } catch {
    // fall back below
  }
  return `${base}/.well-known/jwks.json`
}

/**
 * JWT access tokens signed by an OAuth2/OIDC issuer, verified against its JWKS (fetched over
 * HTTPS, cached, refetched at most every 30 s when an unknown `kid` shows up): issuer, audience,
 * algorithm allowlist, expiry with clock skew. Scopes come from `scope_claim` (`scope`/`scp`).
 */
export function createJwtAuthenticator(config: OAuth2Config, logger: Logger): Authenticator {
  const issuer = config.issuer as string
  let keys: ReturnType<typeof createRemoteJWKSet> | undefined
  let keysPromise: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined
  const getKeys = () => {
    if (keys) return Promise.resolve(keys)
    keysPromise ??= (config.jwksUri ? Promise.resolve(config.jwksUri) : discoverJwksUri(issuer)).then(
      (uri) => {
        keys = createRemoteJWKSet(new URL(uri), {
          cooldownDuration: jwksCooldownMs,
          cacheMaxAge: 10 * 60_000,
          timeoutDuration: 5000,
        })
        return keys
      },
    )
    return keysPromise
  }
  return {
    async authenticate(request) {
      const token = bearerToken(request)
      if (!token) return { kind: 'missing' }
      // Opaque tokens (API keys in composite mode) are not JWTs: let other authenticators try.
      if (token.split('.').length !== 3) return { kind: 'invalid', reason: 'not a JWT' }
      try {
        const { payload } = await jwtVerify(token, await getKeys(), {
          issuer,
          ...(config.audience ? { audience: config.audience } : {}),
          algorithms: config.algorithms,
          clockTolerance: config.clockSkewSeconds,
          requiredClaims: ['exp', 'sub'],
        })
        const name =
          typeof payload.name === 'string'
            ? payload.name
            : typeof payload.email === 'string'
              ? payload.email
              : undefined
        return {
          kind: 'authenticated',
          principal: {
            id: `jwt:${payload.sub}`,
            kind: 'jwt',
            name,
            scopes: scopesOf(payload, config.scopeClaim),
          },
        }
      } catch (error) {
        const reason =
          error instanceof joseErrors.JOSEError ? `${error.code}: ${error.message}` : (error as Error).message
        if (!(error instanceof joseErrors.JOSEError))
          logger.warn({ err: error }, 'JWT verification failed unexpectedly')
        return { kind: 'invalid', reason }
      }
    },
  }
}
