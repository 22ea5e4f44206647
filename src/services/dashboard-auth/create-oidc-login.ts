import * as client from 'openid-client'
import type { GatewayConfig } from '../../core/config/schema.ts'
import type { Logger } from '../../core/logger.ts'

type OidcConfig = GatewayConfig['dashboard']['auth']['oauth2']

/** What the authorization request needs remembered until the callback. */
export interface OidcFlowState {
  state: string
  nonce: string
  codeVerifier: string
  /** Where to go after signing in (a path under the dashboard). */
  next: string
}

/** The signed-in SSO identity, from the validated id_token (and userinfo when it lacks an email). */
export interface OidcIdentity {
  subject: string
  email: string | null
  name: string | null
}

/** Authorization code flow with PKCE, state and nonce, on openid-client. */
export interface OidcLogin {
  /** Starts a sign-in: the provider URL to redirect to and the state to keep for the callback. */
  start(redirectUri: string, next: string): Promise<{ url: string; flow: OidcFlowState }>
  /** Completes it: `callbackUrl` is the full public URL the provider redirected to. */
  finish(callbackUrl: URL, flow: OidcFlowState): Promise<OidcIdentity>
}

/** An error safe to show on the login page: it names the failure, never tokens or secrets. */
export class OidcLoginError extends Error {
  override readonly name = 'OidcLoginError'
}

function isLoopback(issuer: URL): boolean {
  return ['localhost', '127.0.0.1', '[::1]'].includes(issuer.hostname)
}

/**
 * Discovery is done on first use and retried after a failure, so a provider that is down at
 * start does not keep SSO broken. Plain-http issuers are accepted on loopback only (local
 * development and tests); anything else must be https.
 */
export function createOidcLogin(config: OidcConfig, logger: Logger): OidcLogin {
  const issuer = new URL(config.issuer as string)
  let discovered: Promise<client.Configuration> | undefined
  const configuration = () => {
    discovered ??= client
      .discovery(
        issuer,
        config.clientId as string,
        undefined,
        client.ClientSecretPost(config.clientSecret as string),
        isLoopback(issuer) ? { execute: [client.allowInsecureRequests], timeout: 10 } : { timeout: 10 },
      )
      .catch((error: unknown) => {
        discovered = undefined
        logger.warn({ issuer: issuer.href, reason: (error as Error).message }, 'OIDC discovery failed')
        throw new OidcLoginError('The sign-in provider cannot be reached. Try again in a moment.')
      })
    return discovered
  }

  return {
    async start(redirectUri, next) {
      const settings = await configuration()
      const flow: OidcFlowState = {
        state: client.randomState(),
        nonce: client.randomNonce(),
        codeVerifier: client.randomPKCECodeVerifier(),
        next,
      }
      const url = client.buildAuthorizationUrl(settings, {
        redirect_uri: redirectUri,
        scope: config.scopes.join(' '),
        code_challenge: await client.calculatePKCECodeChallenge(flow.codeVerifier),
        code_challenge_method: 'S256',
        state: flow.state,
        nonce: flow.nonce,
      })
      return { url: url.href, flow }
    },

    async finish(callbackUrl, flow) {
      const settings = await configuration()
      const providerError = callbackUrl.searchParams.get('error')
      if (providerError) {
        logger.info({ error: providerError }, 'SSO sign-in refused by the provider')
        throw new OidcLoginError(
          providerError === 'access_denied'
            ? 'Sign-in was cancelled.'
            : 'The sign-in provider refused the sign-in.',
        )
      }
      let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>
      try {
        tokens = await client.authorizationCodeGrant(settings, callbackUrl, {
          pkceCodeVerifier: flow.codeVerifier,
          expectedState: flow.state,
          expectedNonce: flow.nonce,
          idTokenExpected: true,
        })
      } catch (error) {
        // The reason goes to the log (no token values in it), a generic message to the user.
        logger.warn({ reason: (error as Error).message }, 'SSO sign-in failed')
        throw new OidcLoginError('The sign-in could not be completed. Please try again.')
      }
      const claims = tokens.claims()
      if (!claims) throw new OidcLoginError('The sign-in provider sent no identity.')
      let email = typeof claims.email === 'string' ? claims.email : null
      let name = typeof claims.name === 'string' ? claims.name : null
      if (!email) {
        try {
          const info = await client.fetchUserInfo(settings, tokens.access_token, claims.sub)
          email = typeof info.email === 'string' ? info.email : null
          name ??= typeof info.name === 'string' ? info.name : null
        } catch (error) {
          logger.info({ reason: (error as Error).message }, 'SSO userinfo unavailable; signing in by subject')
        }
      }
      return { subject: claims.sub, email, name }
    },
  }
}
