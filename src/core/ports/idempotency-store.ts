/** What an `Idempotency-Key` stands for: the execution its first request started. */
export interface IdempotencyRecord {
  /** Whose key it is (keys of different principals never meet). */
  scope: string
  key: string
  /** A digest of the first request, so a reuse with another request can be told apart. */
  fingerprint: string
  executionId: string
  createdAt: number
  /** After this time (epoch ms) the key is free again. */
  expiresAt: number
}

/**
 * Idempotency keys, shared by every instance that shares the store. Times are passed in by the
 * caller, so a store never reads a clock of its own.
 */
export interface IdempotencyStore {
  /**
   * Stores `record` unless its scope and key hold an unexpired record at `now`, and resolves the
   * record that holds them afterwards: `record` itself when it was stored, the earlier one
   * otherwise. Of concurrent claims of one free key — from any instance — exactly one stores
   * its record, and every caller gets that one.
   */
  claim(record: IdempotencyRecord, now: number): Promise<IdempotencyRecord>
  /** Deletes records expired before `now`; resolves how many. */
  deleteExpired(now: number): Promise<number>
}
