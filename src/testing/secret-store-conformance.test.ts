import { setImmediate as nextTurn } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import type { SecretStore } from '../core/ports/secret-store.ts'
import { raceGetOrCreate } from './secret-store-conformance.ts'

/** Reads, yields (a network round trip), then writes: the race the port forbids. */
function createCheckThenSetStore(): SecretStore {
  const values = new Map<string, string>()
  return {
    async getOrCreate(name, create) {
      const existing = values.get(name)
      await nextTurn()
      if (existing !== undefined) return existing
      const value = create()
      values.set(name, value)
      return value
    },
  }
}

/** The same with the write made conditional, as the SQL store does with `ON CONFLICT DO NOTHING`. */
function createInsertOnceStore(): SecretStore {
  const values = new Map<string, string>()
  return {
    async getOrCreate(name, create) {
      await nextTurn()
      if (!values.has(name)) values.set(name, create())
      await nextTurn()
      return values.get(name) as string
    },
  }
}

describe('the SecretStore getOrCreate race', () => {
  it('fails a store that checks and then sets, where racers get different values', async () => {
    const store = createCheckThenSetStore()
    await expect(raceGetOrCreate(store, store)).rejects.toThrow(/must all get the one stored value/)
  })

  it('passes a store whose write only happens when the name is still missing', async () => {
    const store = createInsertOnceStore()
    await expect(raceGetOrCreate(store, store)).resolves.toBeUndefined()
  })
})
