import type { PersonalConfig, PersonalConfigStore } from '../../core/ports/personal-config-store.ts'

const copy = (config: PersonalConfig): PersonalConfig => structuredClone(config)

/** Personal-agent setups in this process only (lost on restart, invisible to other instances). */
export function createMemoryPersonalConfigStore(): PersonalConfigStore {
  const configs = new Map<string, PersonalConfig>()
  const key = (agentId: string, ownerId: string) => JSON.stringify([agentId, ownerId])
  return {
    async get(agentId, ownerId) {
      const config = configs.get(key(agentId, ownerId))
      return config ? copy(config) : undefined
    },
    async listByOwner(ownerId) {
      return [...configs.values()].filter((config) => config.ownerId === ownerId).map(copy)
    },
    async put(config) {
      configs.set(key(config.agentId, config.ownerId), copy(config))
    },
    async delete(agentId, ownerId) {
      return configs.delete(key(agentId, ownerId))
    },
  }
}
