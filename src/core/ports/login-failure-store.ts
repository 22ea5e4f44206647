/**
 * Failed-login counters in fixed windows, shared by every instance, so a password cannot be
 * guessed faster by spreading attempts over instances.
 */
export interface LoginFailureStore {
  /** Failures of `key` in its current window (0 once the window is over). */
  count(key: string, windowMs: number, now: number): Promise<{ failures: number; resetAt: number }>
  /** Counts one failure (starting a new window when the last one is over); returns the new count. */
  record(key: string, windowMs: number, now: number): Promise<number>
  clear(key: string): Promise<void>
}
