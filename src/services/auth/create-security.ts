import type { GatewayConfig } from '../../core/config/schema.ts'
import type { Logger } from '../../core/logger.ts'
import type { RateLimitStore } from '../../core/ports/rate-limit-store.ts'
import type { Authenticator } from './authenticator.ts'
import { type CustomAuthFunction, createAuthenticator } from './create-authenticator.ts'
import { createRateLimits, type RateLimits } from './create-rate-limits.ts'

/** OAuth2 endpoints of the configured issuer, for the OpenAPI document and Swagger UI login. */
export interface OAuthEndpoints {
  authorizationUrl: string
  tokenUrl: string
}

/** How a started gateway protects itself. */
export interface GatewaySecurity {
  /** `undefined` only for an explicit `auth.mode: none`. */
  authenticator: Authenticator | undefined
  publicRoutes: ReadonlySet<string>
  rateLimits: RateLimits | undefined
  /** Endpoints from OIDC discovery, fetched once on first use; `undefined` without an issuer or on failure. */
  oauth(): Promise<OAuthEndpoints | undefined>
}

export interface CreateSecurityOptions {
  config: GatewayConfig
  customAuth: CustomAuthFunction | undefined
  /** Where rate-limit counters live; given when `rate_limit.enabled`. */
  rateLimitStore: RateLimitStore | undefined
  logger: Logger
}

async function discoverOAuthEndpoints(issuer: string, logger: Logger): Promise<OAuthEndpoints | undefined> {
  try {
    const response = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, {
      signal: AbortSignal.timeout(5000),
    })
    if (!response.ok) throw new Error(`HTTP ${response.status}`)
    const document = (await response.json()) as { authorization_endpoint?: unknown; token_endpoint?: unknown }
    if (typeof document.authorization_endpoint === 'string' && typeof document.token_endpoint === 'string') {
      return { authorizationUrl: document.authorization_endpoint, tokenUrl: document.token_endpoint }
    }
    throw new Error('the discovery document has no authorization_endpoint/token_endpoint')
  } catch (error) {
    logger.warn(
      { issuer, reason: (error as Error).message },
      'OIDC discovery failed: the docs offer bearer tokens only',
    )
    return undefined
  }
}

/** Builds authentication and rate limits from config. */
export function createSecurity(options: CreateSecurityOptions): GatewaySecurity {
  const { config, logger } = options
  const authenticator = createAuthenticator({ config: config.auth, custom: options.customAuth, logger })
  if (!authenticator) logger.warn('auth.mode is none: the API is open to anyone who can reach it')

  if (config.cors.enabled && config.cors.allowOrigins.length === 0)
    logger.warn('cors.enabled is true but cors.allow_origins is empty: no origin is allowed')

  const rateLimits =
    config.rateLimit.enabled && options.rateLimitStore
      ? createRateLimits({ config: config.rateLimit, store: options.rateLimitStore, logger })
      : undefined
  const issuer = config.auth.oauth2.issuer
  let discovery: Promise<OAuthEndpoints | undefined> | undefined
  const oauth = () => {
    if (!issuer) return Promise.resolve(undefined)
    discovery ??= discoverOAuthEndpoints(issuer, logger)
    return discovery
  }

  return {
    authenticator,
    publicRoutes: new Set(config.auth.publicRoutes),
    rateLimits,
    oauth,
  }
}
