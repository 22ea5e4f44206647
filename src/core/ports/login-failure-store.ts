/**
 * Login attempt counters in fixed windows, shared by every instance, so a password cannot be
 * guessed faster by spreading attempts over instances.
 */
export interface LoginFailureStore {
  /** Failures of `key` in its current window (0 once the window is over). */
  count(key: string, windowMs: number, now: number): Promise<{ failures: number; resetAt: number }>
  /**
   * Counts one attempt (starting a new window when the last one is over) and returns the new
   * count, atomically: concurrent calls on any instances each get a different count, so a
   * limit checked on the returned value cannot be raced.
   */
  record(key: string, windowMs: number, now: number): Promise<number>
  clear(key: string): Promise<void>
}
