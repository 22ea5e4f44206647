/**
 * Named leases: a lock with an expiry, so a holder that dies cannot block the others for longer
 * than its lease. Used to run a job on exactly one instance at a time (the queue reconciler).
 *
 * Every method is one conditional write, safe across processes sharing the store: of concurrent
 * `acquire` calls on a free name, exactly one resolves `true`. Expiry uses the store's clock
 * (the database's for SQL stores), so instances agree on it.
 */
export interface LeaseStore {
  /**
   * Takes `name` for `holder` until `ttlMs` from now, when it is free, expired or already held by
   * `holder` (which renews it). Resolves `false`, changing nothing, while another holder's lease
   * is still current.
   */
  acquire(name: string, holder: string, ttlMs: number): Promise<boolean>
  /** Gives `name` up when `holder` holds it; otherwise changes nothing. */
  release(name: string, holder: string): Promise<void>
}
