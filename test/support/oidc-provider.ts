import type { Server } from 'node:http'
import { closeServer } from './http-server.ts'

/** The parts of oidc-provider's `Provider` the tests use (the package ships no types). */
interface ProviderInstance {
  listen(port: number, host: string, callback: () => void): Server
}
type ProviderConstructor = new (issuer: string, configuration: Record<string, unknown>) => ProviderInstance

/** The confidential client registered with the test provider. */
export const testOidcClient = {
  clientId: 'agentgw-dashboard',
  clientSecret: 'test-client-secret-0123456789abcdef',
} as const

export interface TestOidcProvider {
  /** `http://localhost:<port>`: a host name other than 127.0.0.1, so its cookies are not the gateway's. */
  issuer: string
  clientId: string
  clientSecret: string
  close(): Promise<void>
}

export interface TestOidcProviderOptions {
  port: number
  /** The exact redirect URIs the confidential client is registered with. */
  redirectUris: string[]
}

/**
 * A real OpenID provider (oidc-provider 9) on a loopback port, with one confidential client that
 * must use PKCE, and its development login screens: any login name signs in as that account,
 * whose email is `<name>@example.test`.
 */
export async function startTestOidcProvider(options: TestOidcProviderOptions): Promise<TestOidcProvider> {
  // The module has no type declarations: type the constructor at this boundary.
  const { default: Provider } = (await import('oidc-provider' as string)) as { default: ProviderConstructor }
  const issuer = `http://localhost:${options.port}`
  const { clientId, clientSecret } = testOidcClient
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    pkce: { required: () => true },
    // Explicit lifetimes (seconds), so the provider does not log a notice for each default.
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      Grant: 3600,
      IdToken: 600,
      Interaction: 600,
      Session: 3600,
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    cookies: { keys: ['test-only-cookie-signing-key'] },
    features: { devInteractions: { enabled: true } },
    findAccount: (_context: unknown, id: string) => ({
      accountId: id,
      claims: () => ({ sub: id, email: `${id}@example.test`, email_verified: true, name: id }),
    }),
  })
  const server = await new Promise<Server>((resolve) => {
    const listening: Server = provider.listen(options.port, '127.0.0.1', () => resolve(listening))
  })
  return { issuer, clientId, clientSecret, close: () => closeServer(server) }
}
