/** A time limit whose signal aborts after `ms`, unless `clear()` is called first. */
export interface Timeout {
  signal: AbortSignal
  /** Ends the limit: call it when the work it guards has finished. */
  clear(): void
}

/**
 * Starts a time limit, like `AbortSignal.timeout(ms)` (same `TimeoutError` reason, and the timer
 * does not keep the process alive) but released as soon as the work ends. `AbortSignal.timeout`
 * keeps its timer — and every `AbortSignal.any()` built on its signal — until the delay passes,
 * long after the run: at thousands of runs per second with the 60 s default that held hundreds
 * of megabytes (npm run bench, leak check).
 */
export function startTimeout(ms: number): Timeout {
  const controller = new AbortController()
  const timer = setTimeout(
    () => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
    ms,
  )
  timer.unref()
  return { signal: controller.signal, clear: () => clearTimeout(timer) }
}
