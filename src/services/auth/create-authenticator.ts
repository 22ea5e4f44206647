import type { GatewayConfig } from '../../core/config/schema.ts'
import { ConfigError } from '../../core/errors.ts'
import type { Logger } from '../../core/logger.ts'
import type { Principal } from '../../core/principal.ts'
import { createApiKeyAuthenticator } from './api-key-authenticator.ts'
import type { Authenticator, AuthOutcome } from './authenticator.ts'
import { asymmetricAlgorithms, createJwtAuthenticator } from './jwt-authenticator.ts'

/** What a custom auth function returns: a principal, or `null` when the request is not authenticated. */
export type CustomPrincipal = { id: string; scopes: readonly string[]; name?: string }
/** The function of `gw.useAuth()`: authenticates a request itself. The principal id becomes `custom:<id>`. */
export type CustomAuthFunction = (
  request: Request,
) => CustomPrincipal | null | undefined | Promise<CustomPrincipal | null | undefined>

export interface CreateAuthenticatorOptions {
  config: GatewayConfig['auth']
  custom: CustomAuthFunction | undefined
  logger: Logger
}

function customAuthenticator(fn: CustomAuthFunction, logger: Logger): Authenticator {
  return {
    async authenticate(request) {
      let result: CustomPrincipal | null | undefined
      try {
        result = await fn(request)
      } catch (error) {
        // A check that breaks refuses the request: it must never let it through or answer 500.
        logger.warn({ err: error }, 'the custom auth function threw; the request is refused')
        return { kind: 'invalid', reason: 'the custom auth function threw' }
      }
      if (result && (typeof result.id !== 'string' || result.id === '' || !Array.isArray(result.scopes))) {
        logger.warn('the custom auth function returned no usable { id, scopes }; the request is refused')
        return { kind: 'invalid', reason: 'the custom auth function returned an invalid principal' }
      }
      if (!result) {
        const presented = request.headers.has('authorization') || request.headers.has('x-api-key')
        return presented
          ? { kind: 'invalid', reason: 'the custom auth function refused the credentials' }
          : { kind: 'missing' }
      }
      const principal: Principal = {
        id: `custom:${result.id}`,
        kind: 'custom',
        scopes: result.scopes,
        name: result.name,
      }
      return { kind: 'authenticated', principal }
    },
  }
}

/**
 * The start-up error without keys: the API stays closed, and the message carries the YAML for
 * either choice, so the fix is a copy and paste (agents-gateway examples set keys in code).
 */
const noApiKeysMessage = [
  'auth.mode is api_key (the default) but no keys are configured, so the gateway refuses to start with an open API.',
  'Add API keys to gateway.yaml:',
  '',
  '  auth:',
  '    api_keys:',
  '      - name: my-client',
  '        key: ${AGW_API_KEY}   # at least 16 characters, read from the environment',
  '',
  'or serve without authentication, for local use only:',
  '',
  '  auth:',
  '    mode: none',
].join('\n')

/**
 * Builds the authenticator for `auth.mode`, refusing configurations that would leave the API
 * open by accident: `api_key` without keys, `oauth2` without an issuer, `custom` without a
 * function. Returns `undefined` only for an explicit `mode: none`.
 */
export function createAuthenticator(options: CreateAuthenticatorOptions): Authenticator | undefined {
  const { config, custom, logger } = options
  const fail = (keyPath: string, message: string): never => {
    throw new ConfigError({ keyPath, message })
  }
  for (const algorithm of config.oauth2.algorithms) {
    if (!asymmetricAlgorithms.includes(algorithm)) {
      fail(
        'auth.oauth2.algorithms',
        `"${algorithm}" is not allowed: use asymmetric algorithms (${asymmetricAlgorithms.join(', ')})`,
      )
    }
  }
  const apiKeys = () => (config.apiKeys.length > 0 ? createApiKeyAuthenticator(config.apiKeys) : undefined)
  const jwt = () => (config.oauth2.issuer ? createJwtAuthenticator(config.oauth2, logger) : undefined)
  switch (config.mode) {
    case 'none':
      return undefined
    case 'api_key':
      return apiKeys() ?? fail('auth.api_keys', noApiKeysMessage)
    case 'oauth2':
      return jwt() ?? fail('auth.oauth2.issuer', 'auth.mode is oauth2 but auth.oauth2.issuer is not set')
    case 'custom':
      return custom
        ? customAuthenticator(custom, logger)
        : fail('auth.mode', 'auth.mode is custom but no function was given to gw.useAuth()')
    case 'composite': {
      const members = [apiKeys(), jwt(), custom ? customAuthenticator(custom, logger) : undefined].filter(
        (member): member is Authenticator => member !== undefined,
      )
      if (members.length === 0)
        fail(
          'auth.mode',
          'auth.mode is composite but no api_keys, oauth2 issuer or custom function is configured',
        )
      return {
        async authenticate(request) {
          let outcome: AuthOutcome = { kind: 'missing' }
          for (const member of members) {
            const result = await member.authenticate(request)
            if (result.kind === 'authenticated') return result
            if (result.kind === 'invalid') outcome = result
          }
          return outcome
        },
      }
    }
  }
}
