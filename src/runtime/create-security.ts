import type { MiddlewareHandler } from 'hono'
import { cors } from 'hono/cors'
import type { GatewayConfig } from '../core/config/schema.ts'
import { ConfigError } from '../core/errors.ts'
import type { Logger } from '../core/logger.ts'
import type { GatewayEnv } from '../http/gateway-env.ts'
import type { Authenticator } from '../services/auth/authenticator.ts'
import { type CustomAuthFunction, createAuthenticator } from '../services/auth/create-authenticator.ts'
import { createRateLimits, type RateLimits } from '../services/auth/create-rate-limits.ts'

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
  /** CORS handling for this configuration, or `undefined` when CORS is off. */
  cors: MiddlewareHandler<GatewayEnv> | undefined
  /** Endpoints from OIDC discovery, fetched once on first use; `undefined` without an issuer or on failure. */
  oauth(): Promise<OAuthEndpoints | undefined>
  close(): Promise<void>
}

export interface CreateSecurityOptions {
  config: GatewayConfig
  customAuth: CustomAuthFunction | undefined
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

/** Builds authentication, rate limits and CORS from config, refusing unsafe combinations. */
export async function createSecurity(options: CreateSecurityOptions): Promise<GatewaySecurity> {
  const { config, logger } = options
  const authenticator = createAuthenticator({ config: config.auth, custom: options.customAuth, logger })
  if (!authenticator) logger.warn('auth.mode is none: the API is open to anyone who can reach it')

  let corsHandler: MiddlewareHandler<GatewayEnv> | undefined
  if (config.cors.enabled) {
    if (config.cors.allowCredentials && config.cors.allowOrigins.includes('*')) {
      throw new ConfigError({
        keyPath: 'cors.allow_credentials',
        message:
          'allow_credentials cannot be combined with allow_origins "*": list the origins that may send credentials',
      })
    }
    if (config.cors.allowOrigins.length === 0)
      logger.warn('cors.enabled is true but cors.allow_origins is empty: no origin is allowed')
    const origins = config.cors.allowOrigins
    corsHandler = cors({
      origin: origins.includes('*') ? '*' : origins,
      allowMethods: config.cors.allowMethods,
      allowHeaders: config.cors.allowHeaders,
      exposeHeaders: config.cors.exposeHeaders,
      credentials: config.cors.allowCredentials,
      maxAge: config.cors.maxAge,
    }) as MiddlewareHandler<GatewayEnv>
  }

  const rateLimits = config.rateLimit.enabled
    ? await createRateLimits({ config: config.rateLimit, redisUrl: config.queue.redisUrl, logger })
    : undefined
  if (rateLimits && config.rateLimit.store === 'memory') {
    logger.info(
      'rate limits are counted per process (rate_limit.store: memory); use redis to share them across instances',
    )
  }
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
    cors: corsHandler,
    oauth,
    close: async () => {
      await rateLimits?.close()
    },
  }
}
