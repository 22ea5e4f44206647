import type { ErrorDetail } from '../errors.ts'

const loneSurrogate = /\p{Surrogate}/u

/**
 * Why a string cannot be stored as text, or `undefined` when it can. Postgres refuses U+0000 in
 * text (`invalid byte sequence for encoding "UTF8": 0x00`) where SQLite stores it, and an
 * unpaired UTF-16 surrogate has no UTF-8 form, so every driver silently turns it into U+FFFD.
 * Refusing both at the edge keeps every backend storing exactly what was sent.
 */
export function unsafeTextReason(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain NUL characters (U+0000)'
  // With the `u` flag a valid pair is one code point, so only an unpaired half matches.
  if (loneSurrogate.test(text)) return 'must not contain unpaired UTF-16 surrogates'
  return undefined
}

/** JSON-pointer escaping of one key (RFC 6901). */
function pointerToken(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1')
}

/**
 * The first string — value or object key — in `value` that cannot be stored as text, as an
 * error detail whose `path` is a JSON pointer under `root` (e.g. `/body/input/city`). Walks
 * with an explicit stack, so no nesting depth can overflow the call stack.
 */
export function findUnsafeText(value: unknown, root: string): ErrorDetail | undefined {
  const stack: { value: unknown; path: string }[] = [{ value, path: root }]
  while (stack.length > 0) {
    const item = stack.pop() as { value: unknown; path: string }
    if (typeof item.value === 'string') {
      const reason = unsafeTextReason(item.value)
      if (reason) return { path: item.path || '/', message: reason }
    } else if (Array.isArray(item.value)) {
      for (let index = item.value.length - 1; index >= 0; index--)
        stack.push({ value: item.value[index], path: `${item.path}/${index}` })
    } else if (item.value !== null && typeof item.value === 'object') {
      const entries = Object.entries(item.value)
      for (let index = entries.length - 1; index >= 0; index--) {
        const [key, entry] = entries[index] as [string, unknown]
        const path = `${item.path}/${pointerToken(key)}`
        const reason = unsafeTextReason(key)
        if (reason) return { path, message: `key ${reason}` }
        stack.push({ value: entry, path })
      }
    }
  }
  return undefined
}
