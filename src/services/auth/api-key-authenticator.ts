import { createHash, timingSafeEqual } from 'node:crypto'
import type { GatewayConfig } from '../../core/config/schema.ts'
import { type Authenticator, bearerToken } from './authenticator.ts'

/** `sha256:<hex>` digest of an API key, the form keys are kept and may be configured in. */
export function digestApiKey(key: string): string {
  return `sha256:${createHash('sha256').update(key, 'utf8').digest('hex')}`
}

interface StoredKey {
  name: string
  digest: Buffer
  scopes: readonly string[]
}

/**
 * API keys from `auth.api_keys`, presented as `Authorization: Bearer <key>` or `X-API-Key`.
 * Only digests are kept in memory, and every key is compared in constant time (all of them,
 * so timing does not reveal which one almost matched).
 */
export function createApiKeyAuthenticator(keys: GatewayConfig['auth']['apiKeys']): Authenticator {
  const stored: StoredKey[] = keys.map((entry) => ({
    name: entry.name,
    digest: Buffer.from((entry.keyHash ?? digestApiKey(entry.key as string)).slice('sha256:'.length), 'hex'),
    scopes: entry.scopes,
  }))
  return {
    async authenticate(request) {
      const presented = bearerToken(request) ?? request.headers.get('x-api-key')?.trim()
      if (!presented) return { kind: 'missing' }
      const digest = Buffer.from(digestApiKey(presented).slice('sha256:'.length), 'hex')
      let match: StoredKey | undefined
      for (const key of stored) {
        if (timingSafeEqual(key.digest, digest) && !match) match = key
      }
      if (!match) return { kind: 'invalid', reason: 'unknown API key' }
      return {
        kind: 'authenticated',
        principal: { id: `key:${match.name}`, kind: 'api_key', name: match.name, scopes: match.scopes },
      }
    },
  }
}
