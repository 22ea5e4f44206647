/**
 * Polls `check` until it returns true, failing with `what` after `timeoutMs`. Conformance suites
 * wait with this instead of fixed sleeps, so a fast backend finishes fast and a slow one still
 * has a bounded wait.
 */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs: number,
  intervalMs = 10,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(intervalMs)
  }
}

/** A plain delay — only for observation windows that prove something does *not* happen. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
