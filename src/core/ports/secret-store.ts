/**
 * Named secrets the instances of one gateway share (e.g. the dashboard's cookie-signing key).
 * A secret never changes once stored.
 */
export interface SecretStore {
  /**
   * The value stored under `name`, storing `create()`'s result first when there is none
   * (`create` is not called for a name that is stored).
   * **Atomic across instances**: when several callers — in this process or in other processes
   * on the same store — race on a missing name, exactly one value is stored and every caller
   * gets that value. `create` may be called by more than one racer; the values of the losers
   * are discarded, never returned.
   */
  getOrCreate(name: string, create: () => string): Promise<string>
}
