import { GatewayError } from '../../core/errors.ts'

/*
 * The shutdown sequence, in order (see `GatewayRuntime.close`):
 * 1. `begin()` — health answers `draining` (503) so load balancers stop sending, and new API
 *    requests are refused with `shutting_down`; requests and runs already in flight go on.
 * 2. `settle(graceMs)` — wait for in-flight requests and runs (sync invokes, SSE streams) while
 *    the queue hands its running jobs back (the queue owns that part).
 * 3. `cancelRemaining()` — what still runs after the grace period is aborted with
 *    `shutting_down`: the run is recorded as cancelled and its stream ends with `error` + `done`.
 * 4. Only then are storage and tools closed.
 */

/** The drain state of one gateway. */
export interface GatewayDrain {
  /** True from `begin()` on. */
  readonly draining: boolean
  /** Aborted by `cancelRemaining()` with a `shutting_down` GatewayError as its reason. */
  readonly cancelSignal: AbortSignal
  /** Counts a request or run as in flight; call the returned function once when it ends. */
  enter(): () => void
  /** How many requests and runs are in flight. */
  readonly inFlight: number
  begin(): void
  /** Resolves `true` once nothing is in flight, or `false` after `timeoutMs`. */
  settle(timeoutMs: number): Promise<boolean>
  cancelRemaining(): void
}

export function createDrain(): GatewayDrain {
  let draining = false
  let inFlight = 0
  const cancel = new AbortController()
  const waiters = new Set<() => void>()
  const notify = () => {
    if (inFlight > 0) return
    for (const wake of waiters) wake()
    waiters.clear()
  }
  return {
    get draining() {
      return draining
    },
    get inFlight() {
      return inFlight
    },
    cancelSignal: cancel.signal,
    enter() {
      inFlight++
      let left = false
      return () => {
        if (left) return
        left = true
        inFlight--
        notify()
      }
    },
    begin() {
      draining = true
    },
    settle(timeoutMs) {
      if (inFlight === 0) return Promise.resolve(true)
      return new Promise<boolean>((resolve) => {
        const wake = () => {
          clearTimeout(timer)
          resolve(true)
        }
        const timer = setTimeout(() => {
          waiters.delete(wake)
          resolve(false)
        }, timeoutMs)
        waiters.add(wake)
      })
    },
    cancelRemaining() {
      cancel.abort(new GatewayError('shutting_down'))
    },
  }
}
