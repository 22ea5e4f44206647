import { createHash } from 'node:crypto'
import type { LoginFailureStore } from '../../core/ports/login-failure-store.ts'
import { parseRate } from '../auth/create-rate-limits.ts'

/** Limits failed password logins per client IP and username, across instances. */
export interface LoginThrottle {
  /** Seconds to wait when this client/username pair is over its budget, else `undefined`. */
  blocked(clientIp: string | undefined, username: string): Promise<number | undefined>
  failed(clientIp: string | undefined, username: string): Promise<void>
  succeeded(clientIp: string | undefined, username: string): Promise<void>
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
    async blocked(clientIp, username) {
      const now = Date.now()
      const { failures, resetAt } = await store.count(keyOf(clientIp, username), windowMs, now)
      return failures >= points ? Math.max(1, Math.ceil((resetAt - now) / 1000)) : undefined
    },
    async failed(clientIp, username) {
      await store.record(keyOf(clientIp, username), windowMs, Date.now())
    },
    async succeeded(clientIp, username) {
      await store.clear(keyOf(clientIp, username))
    },
  }
}
