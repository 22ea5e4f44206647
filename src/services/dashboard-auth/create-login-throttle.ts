import { createHash } from 'node:crypto'
import type { LoginFailureStore } from '../../core/ports/login-failure-store.ts'
import { parseRate } from '../auth/create-rate-limits.ts'

/**
 * Limits password attempts per client IP and username, across instances. An attempt is
 * counted *before* the password is checked — one atomic increment in the shared store — so
 * parallel requests cannot all pass the check before any failure is recorded; a successful
 * sign-in clears the count.
 */
export interface LoginThrottle {
  /**
   * Counts an attempt for this client/username pair. Returns the seconds to wait when the pair
   * is over its budget (the password must then not be checked), else `undefined`.
   */
  reserve(clientIp: string | undefined, username: string): Promise<number | undefined>
  /** A correct password: forget the pair's attempts. */
  release(clientIp: string | undefined, username: string): Promise<void>
}

export function createLoginThrottle(store: LoginFailureStore, limit: string): LoginThrottle {
  const { points, durationSeconds } = parseRate(limit)
  const windowMs = durationSeconds * 1000
  // Hashed, so the table never holds typed usernames (which are sometimes passwords).
  const keyOf = (clientIp: string | undefined, username: string) =>
    createHash('sha256')
      .update(`${clientIp ?? 'unknown'}\u0000${username.trim().toLowerCase()}`)
      .digest('hex')
  return {
    async reserve(clientIp, username) {
      const key = keyOf(clientIp, username)
      const now = Date.now()
      const attempts = await store.record(key, windowMs, now)
      if (attempts <= points) return undefined
      const { resetAt } = await store.count(key, windowMs, now)
      return Math.max(1, Math.ceil((resetAt - now) / 1000))
    },
    async release(clientIp, username) {
      await store.clear(keyOf(clientIp, username))
    },
  }
}
