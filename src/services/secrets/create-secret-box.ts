import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import { ConfigError } from '../../core/errors.ts'

/**
 * Encrypts secrets that the gateway keeps at rest (MCP credentials, personal-agent secrets):
 * AES-256-GCM with a random 96-bit nonce per value, tagged with the id of the key that sealed
 * it so keys can be rotated. A sealed value reads `agw1.<key id>.<base64url(nonce|data|tag)>`.
 */
export interface SecretBox {
  /** Id of the current key (a digest prefix; it reveals nothing about the key). */
  readonly keyId: string
  /**
   * Encrypts `plaintext`. `context` binds the value to where it is stored (e.g.
   * `mcp:github:credentials`): opening it under another context fails, so a sealed value copied
   * into another row or field is useless.
   */
  seal(plaintext: string, context: string): string
  /** Decrypts a sealed value; throws `SecretBoxError` if it was tampered with or its key is unknown. */
  open(sealed: string, context: string): string
  /** Whether a value was sealed with an older key and should be sealed again with the current one. */
  needsRotation(sealed: string): boolean
}

export interface SecretBoxOptions {
  /** The current key: 32 bytes as base64, base64url or hex. */
  key: string
  /** Earlier keys, still accepted for opening values sealed before a rotation. */
  previousKeys?: readonly string[]
}

/** A value could not be opened. The message never contains the value or the key. */
export class SecretBoxError extends Error {
  override name = 'SecretBoxError'
}

const format = 'agw1'
const nonceBytes = 12
const tagBytes = 16

/** How to make a key, for error messages. */
export const secretKeyHint =
  'generate one with `openssl rand -base64 32` and set AGW_SECRET_KEY (or secrets.key)'

function decodeKey(text: string, keyPath: string): Buffer {
  const trimmed = text.trim()
  const bytes = /^[0-9a-f]{64}$/i.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : /^[A-Za-z0-9+/_-]{43}={0,1}$/.test(trimmed)
      ? Buffer.from(trimmed.replaceAll('-', '+').replaceAll('_', '/'), 'base64')
      : undefined
  if (bytes?.length !== 32) {
    throw new ConfigError({ keyPath, message: `must be 32 random bytes as base64 or hex; ${secretKeyHint}` })
  }
  return bytes
}

function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('agentgw secret key id\0').update(key).digest('hex').slice(0, 8)
}

/** Builds the secret box; an invalid key is a `ConfigError` naming the setting. */
export function createSecretBox(options: SecretBoxOptions): SecretBox {
  const current = decodeKey(options.key, 'secrets.key')
  const keyId = keyIdOf(current)
  const keys = new Map<string, Buffer>([[keyId, current]])
  for (const [index, previous] of (options.previousKeys ?? []).entries()) {
    const key = decodeKey(previous, `secrets.previous_keys.${index}`)
    if (!keys.has(keyIdOf(key))) keys.set(keyIdOf(key), key)
  }

  const parse = (sealed: string) => {
    const [prefix, id, payload, ...rest] = sealed.split('.')
    if (prefix !== format || !id || !payload || rest.length > 0) {
      throw new SecretBoxError('not a sealed secret')
    }
    return { id, payload: Buffer.from(payload, 'base64url') }
  }

  return {
    keyId,
    seal(plaintext, context) {
      const nonce = randomBytes(nonceBytes)
      const cipher = createCipheriv('aes-256-gcm', current, nonce)
      cipher.setAAD(Buffer.from(context, 'utf8'))
      const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
      return `${format}.${keyId}.${Buffer.concat([nonce, data, cipher.getAuthTag()]).toString('base64url')}`
    },
    open(sealed, context) {
      const { id, payload } = parse(sealed)
      const key = keys.get(id)
      if (!key) {
        throw new SecretBoxError(
          `sealed with key ${id}, which is neither secrets.key nor one of secrets.previous_keys`,
        )
      }
      if (payload.length < nonceBytes + tagBytes) throw new SecretBoxError('sealed secret is truncated')
      const decipher = createDecipheriv('aes-256-gcm', key, payload.subarray(0, nonceBytes))
      decipher.setAAD(Buffer.from(context, 'utf8'))
      decipher.setAuthTag(payload.subarray(payload.length - tagBytes))
      try {
        return Buffer.concat([
          decipher.update(payload.subarray(nonceBytes, payload.length - tagBytes)),
          decipher.final(),
        ]).toString('utf8')
      } catch {
        // GCM authentication failed: wrong context, a modified value, or a key with a colliding id.
        throw new SecretBoxError(
          'sealed secret failed authentication (modified, or stored under another name)',
        )
      }
    },
    needsRotation(sealed) {
      return parse(sealed).id !== keyId
    },
  }
}

/**
 * The secret box for a feature that stores secrets, or a start-up `ConfigError` that names the
 * feature and how to set a key. There is deliberately no generated fallback key: one that
 * changed on restart would make every stored secret unreadable.
 */
export function requireSecretBox(box: SecretBox | undefined, feature: string): SecretBox {
  if (box) return box
  throw new ConfigError({
    keyPath: 'secrets.key',
    message: `${feature} stores secrets encrypted; ${secretKeyHint}`,
  })
}
