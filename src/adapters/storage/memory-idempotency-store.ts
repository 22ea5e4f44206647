import type { IdempotencyRecord, IdempotencyStore } from '../../core/ports/idempotency-store.ts'

/** Idempotency keys in this process only. */
export function createMemoryIdempotencyStore(): IdempotencyStore {
  const records = new Map<string, IdempotencyRecord>()
  const keyOf = (record: { scope: string; key: string }) => JSON.stringify([record.scope, record.key])
  return {
    async claim(record, now) {
      const current = records.get(keyOf(record))
      if (current && current.expiresAt > now) return { ...current }
      records.set(keyOf(record), { ...record })
      return { ...record }
    },
    async deleteExpired(now) {
      let deleted = 0
      for (const [key, record] of records) {
        if (record.expiresAt <= now) {
          records.delete(key)
          deleted++
        }
      }
      return deleted
    },
  }
}
