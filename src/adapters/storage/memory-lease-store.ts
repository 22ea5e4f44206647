import type { LeaseStore } from '../../core/ports/lease-store.ts'

/** Leases in this process only: enough for one gateway instance and for tests. */
export function createMemoryLeaseStore(now: () => number = Date.now): LeaseStore {
  const leases = new Map<string, { holder: string; expiresAt: number }>()
  return {
    async acquire(name, holder, ttlMs) {
      const at = now()
      const current = leases.get(name)
      if (current && current.holder !== holder && current.expiresAt >= at) return false
      leases.set(name, { holder, expiresAt: at + ttlMs })
      return true
    },
    async release(name, holder) {
      if (leases.get(name)?.holder === holder) leases.delete(name)
    },
  }
}
