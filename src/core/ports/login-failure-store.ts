/**
 * Failed-login counters in fixed windows, shared by every instance, so a password cannot be
 * guessed faster by spreading attempts over instances. A window opens with the first failure
 * of a key and lasts `windowMs`; the caller passes `now`, so every instance follows one clock.
 * A key is always used with the same `windowMs`.
 */
export interface LoginFailureStore {
  /**
   * Failures of `key` in its current window, and when that window ends (epoch ms). A key
   * without failures, or whose window is over (`windowStart + windowMs <= now`), has
   * `{ failures: 0, resetAt: now }`. Reading counts nothing.
   */
  count(key: string, windowMs: number, now: number): Promise<{ failures: number; resetAt: number }>
  /**
   * Counts one failure and returns the key's new count: 1 when no window is open (a new one
   * starts at `now`), otherwise the previous count plus one. Atomic across instances: of `n`
   * concurrent calls in one window, each returns a different count and the last count is `n`.
   */
  record(key: string, windowMs: number, now: number): Promise<number>
  /** Forgets the key's failures (after a successful login); idempotent. */
  clear(key: string): Promise<void>
}
