/** A key's counter in its current window. */
export interface RateLimitCounter {
  /** Hits counted in the current window, the one just made included. */
  count: number
  /** Milliseconds until the window ends and the count starts again from zero. */
  resetMs: number
}

/**
 * Fixed-window hit counters behind the API's rate limits (`rate_limit.*`). A window opens with
 * the first hit of a key and lasts `windowMs`; the store keeps the clock (a Redis store uses the
 * server's expiry, so instances need no synchronized clocks). A backend may round `windowMs` up
 * to its granularity (Redis: whole seconds). A key is always used with the same `windowMs`.
 *
 * Instances that share a backend share the counters, so the budget holds across all of them.
 * The gateway decides what a count means (allowed, blocked) and lets requests through when the
 * store fails; the store only counts.
 */
export interface RateLimitStore {
  /**
   * Counts one hit on `key` and returns the new count. **Atomic across instances**: of `n`
   * concurrent hits in one window each gets a different count, and the last is `n`.
   */
  hit(key: string, windowMs: number): Promise<RateLimitCounter>
  /** The key's current counter without counting a hit, or `undefined` when no window is open. */
  peek(key: string, windowMs: number): Promise<RateLimitCounter | undefined>
}
