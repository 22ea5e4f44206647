/**
 * Settles like `work`, or rejects with the signal's reason as soon as the signal aborts —
 * whichever comes first. The work itself is not stopped (pass the signal to it for that); this
 * only stops waiting for work that ignores the signal, such as a tool handler or a provider
 * that does not honour `abortSignal`. The abort listener is removed when `work` settles, so
 * long-lived signals do not collect listeners.
 */
export function untilAborted<T>(work: PromiseLike<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    Promise.resolve(work).then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      },
    )
  })
}
