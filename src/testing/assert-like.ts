import assert from 'node:assert/strict'
import { isDeepStrictEqual } from 'node:util'

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Where `actual` differs from the pattern `expected`, or `undefined` when it matches. */
function mismatch(actual: unknown, expected: unknown, path: string): string | undefined {
  if (isRecord(expected)) {
    if (!isRecord(actual)) return `${path || 'value'} is not an object`
    for (const [key, value] of Object.entries(expected)) {
      const found = mismatch(actual[key], value, `${path}.${key}`)
      if (found) return found
    }
    return undefined
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length)
      return `${path || 'value'} is not an array of ${expected.length}`
    for (const [index, value] of expected.entries()) {
      const found = mismatch(actual[index], value, `${path}[${index}]`)
      if (found) return found
    }
    return undefined
  }
  return isDeepStrictEqual(actual, expected) ? undefined : `${path || 'value'} differs`
}

/**
 * Asserts that `actual` has at least the properties of `expected`, recursively: objects may have
 * more keys, arrays must have the same length. Like vitest's `toMatchObject`, with `node:assert`.
 */
export function assertLike(actual: unknown, expected: unknown, message?: string): void {
  const found = mismatch(actual, expected, '')
  if (found) {
    assert.fail(
      `${message ? `${message}: ` : ''}${found}\nexpected like: ${JSON.stringify(expected)}\nactual: ${JSON.stringify(actual)}`,
    )
  }
}

/** Asserts that `promise` rejects with an error whose `code` is `code` (e.g. `GatewayError('session_busy')`). */
export async function assertRejectsWithCode(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.equal((error as { code?: unknown })?.code, code)
    return true
  })
}

/**
 * Asserts that `actual` equals `expected` as JSON would carry them: `undefined` properties are
 * ignored, like vitest's `toEqual`. For data a backend serialized and gave back.
 */
export function assertJsonEqual(actual: unknown, expected: unknown, message?: string): void {
  assert.deepEqual(JSON.parse(JSON.stringify(actual) ?? 'null'), expected, message)
}
