/** Replaces configured secret values wherever they appear in text meant for people. */
export interface SecretRedactor {
  /** Whether any secret is configured; when not, both functions return their input. */
  readonly active: boolean
  /** `text` with every configured secret replaced by `[redacted]`. */
  redact(text: string): string
  /**
   * A copy of `value` (log fields) with every string redacted. Errors become plain objects
   * (`type`, `message`, `stack`, their own fields and `cause`), so nothing reaches a log sink
   * that could print the original text.
   */
  redactValue(value: unknown): unknown
}

/**
 * Secrets shorter than this are not searched for: replacing every `guest` or `admin` in a
 * message would garble text without protecting anything a guess would not find.
 */
export const minRedactedLength = 8

const marker = '[redacted]'
const maxDepth = 8

/**
 * A redactor for these secret values — whatever their shape: an API key a provider echoes as
 * `token-abc123…`, a webhook secret, a database password. Each value is also matched in its
 * URL-encoded form, as it appears inside connection strings.
 */
export function createSecretRedactor(values: Iterable<string | undefined>): SecretRedactor {
  const secrets = new Set<string>()
  for (const value of values) {
    if (!value || value.length < minRedactedLength) continue
    secrets.add(value)
    secrets.add(encodeURIComponent(value))
  }
  // Longest first, so a secret that contains another one is replaced whole.
  const list = [...secrets].sort((a, b) => b.length - a.length)
  if (list.length === 0) return { active: false, redact: (text) => text, redactValue: (value) => value }

  const redact = (text: string): string => {
    let result = text
    for (const secret of list) if (result.includes(secret)) result = result.replaceAll(secret, marker)
    return result
  }
  const copy = (value: unknown, depth: number, seen: WeakSet<object>): unknown => {
    if (typeof value === 'string') return redact(value)
    if (value === null || typeof value !== 'object') return value
    if (seen.has(value) || depth >= maxDepth) return '[omitted]'
    seen.add(value)
    if (Array.isArray(value)) return value.map((item) => copy(item, depth + 1, seen))
    const source: Record<string, unknown> =
      value instanceof Error
        ? { ...value, type: value.name, message: value.message, stack: value.stack, cause: value.cause }
        : (value as Record<string, unknown>)
    const result: Record<string, unknown> = {}
    for (const [key, entry] of Object.entries(source)) {
      if (entry !== undefined) result[key] = copy(entry, depth + 1, seen)
    }
    return result
  }
  return { active: true, redact, redactValue: (value) => copy(value, 0, new WeakSet()) }
}
