import type { McpServerSettings } from './mcp-server-settings.ts'

/** The bearer token source an HTTP transport asks before each request. */
export interface BearerTokenSource {
  token(): Promise<string | undefined>
  /** Forgets the cached token, so the next `token()` fetches a new one (after a 401). */
  onUnauthorized(): Promise<void>
}

export interface ClientCredentialsOptions {
  fetch?: typeof fetch
  now?: () => number
  timeoutMs: number
}

/** Refresh this long before the token's stated expiry, so a request never carries a stale one. */
const expiryMarginMs = 30_000

/**
 * OAuth 2.0 client credentials (RFC 6749 §4.4) against a fixed token endpoint: the client id and
 * secret go in the form body (`client_secret_post`), the token is cached until shortly before
 * `expires_in` runs out, concurrent callers share one request, and a 401 from the MCP server
 * drops the cached token. Errors name the endpoint and the status, never the secret.
 */
export function createClientCredentialsAuth(
  server: string,
  auth: McpServerSettings['auth'],
  options: ClientCredentialsOptions,
): BearerTokenSource {
  const doFetch = options.fetch ?? fetch
  const now = options.now ?? Date.now
  let cached: { token: string; expiresAt: number } | undefined
  let pending: Promise<string> | undefined

  const request = async (): Promise<string> => {
    const body = new URLSearchParams({ grant_type: 'client_credentials' })
    body.set('client_id', auth.clientId ?? '')
    body.set('client_secret', auth.clientSecret ?? '')
    if (auth.scopes.length > 0) body.set('scope', auth.scopes.join(' '))
    if (auth.audience) body.set('audience', auth.audience)
    const endpoint = auth.tokenUrl ?? ''
    let response: Response
    try {
      response = await doFetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body,
        signal: AbortSignal.timeout(options.timeoutMs),
      })
    } catch (error) {
      throw new Error(
        `MCP server "${server}": the token endpoint ${new URL(endpoint).origin} could not be reached (${(error as Error).name})`,
      )
    }
    const payload = (await response.json().catch(() => ({}))) as {
      access_token?: unknown
      expires_in?: unknown
    }
    if (!response.ok || typeof payload.access_token !== 'string') {
      throw new Error(
        `MCP server "${server}": the token endpoint ${new URL(endpoint).origin} answered ${response.status} without an access token`,
      )
    }
    const lifetimeMs = typeof payload.expires_in === 'number' ? payload.expires_in * 1000 : 3_600_000
    cached = { token: payload.access_token, expiresAt: now() + lifetimeMs - expiryMarginMs }
    return payload.access_token
  }

  return {
    async token() {
      if (cached && now() < cached.expiresAt) return cached.token
      pending ??= request().finally(() => {
        pending = undefined
      })
      return pending
    },
    async onUnauthorized() {
      cached = undefined
    },
  }
}
