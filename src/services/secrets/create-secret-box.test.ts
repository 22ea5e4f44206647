import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../core/errors.ts'
import { createSecretBox, requireSecretBox, SecretBoxError } from './create-secret-box.ts'

const newKey = () => randomBytes(32).toString('base64')

describe('createSecretBox', () => {
  it('seals a value so that only the same context opens it', () => {
    const box = createSecretBox({ key: newKey() })
    const sealed = box.seal('ghp_token-value', 'mcp:github:credentials')
    expect(sealed).toMatch(new RegExp(`^agw1\\.${box.keyId}\\.[A-Za-z0-9_-]+$`))
    expect(sealed).not.toContain('ghp_token-value')
    expect(box.open(sealed, 'mcp:github:credentials')).toBe('ghp_token-value')
    expect(() => box.open(sealed, 'mcp:other:credentials')).toThrow(SecretBoxError)
  })

  it('uses a fresh nonce for every value', () => {
    const box = createSecretBox({ key: newKey() })
    expect(box.seal('same', 'c')).not.toBe(box.seal('same', 'c'))
  })

  it('refuses a modified value without revealing anything', () => {
    const box = createSecretBox({ key: newKey() })
    const sealed = box.seal('secret', 'c')
    // Flip one bit of the encrypted data itself (an edited base64 character may only touch padding).
    const [prefix, keyId, payload] = sealed.split('.')
    const bytes = Buffer.from(payload ?? '', 'base64url')
    bytes[14] = (bytes[14] ?? 0) ^ 1
    const tampered = `${prefix}.${keyId}.${bytes.toString('base64url')}`
    expect(() => box.open(tampered, 'c')).toThrow(/failed authentication/)
    expect(() => box.open('plain text', 'c')).toThrow(/not a sealed secret/)
  })

  it('opens values sealed with a previous key after a rotation and says they need resealing', () => {
    const oldKey = newKey()
    const before = createSecretBox({ key: oldKey })
    const sealed = before.seal('v', 'c')
    const after = createSecretBox({ key: newKey(), previousKeys: [oldKey] })
    expect(after.keyId).not.toBe(before.keyId)
    expect(after.open(sealed, 'c')).toBe('v')
    expect(after.needsRotation(sealed)).toBe(true)
    expect(after.needsRotation(after.seal('v', 'c'))).toBe(false)
  })

  it('names the missing key when a value was sealed with a key it does not have', () => {
    const sealed = createSecretBox({ key: newKey() }).seal('v', 'c')
    const other = createSecretBox({ key: newKey() })
    expect(() => other.open(sealed, 'c')).toThrow(/neither secrets\.key nor one of secrets\.previous_keys/)
  })

  it('accepts base64, base64url and hex keys of 32 bytes and refuses anything else', () => {
    const bytes = randomBytes(32)
    const ids = [bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('hex')].map(
      (key) => createSecretBox({ key }).keyId,
    )
    expect(new Set(ids).size).toBe(1)
    for (const key of ['short', randomBytes(16).toString('base64'), 'x'.repeat(44)]) {
      expect(() => createSecretBox({ key })).toThrow(ConfigError)
    }
    expect(() => createSecretBox({ key: newKey(), previousKeys: ['bad'] })).toThrow(
      /secrets\.previous_keys\.0/,
    )
  })
})

describe('requireSecretBox', () => {
  it('is a start-up error naming the feature and how to make a key, never a generated key', () => {
    expect(() => requireSecretBox(undefined, 'MCP server "github"')).toThrow(
      /secrets\.key: MCP server "github" stores secrets encrypted; generate one with `openssl rand -base64 32`/,
    )
    const box = createSecretBox({ key: newKey() })
    expect(requireSecretBox(box, 'x')).toBe(box)
  })
})
