/** Changes an admin made to an agent in the dashboard, applied over its AGENT.md. `null` keeps the file's value. */
export interface AgentOverride {
  agentId: string
  enabled: boolean | null
  description: string | null
  /** `provider:model`. */
  model: string | null
  executionMode: 'sync' | 'async' | null
  /** The principal id of the admin who made the change. */
  updatedBy: string | null
  /** Epoch milliseconds. */
  updatedAt: number
}

/**
 * Agent overrides, at most one per agent id. Every instance of a gateway reads the same store
 * (and re-reads it when the event bus says an override changed), so a change made on one
 * instance applies on all of them.
 */
export interface AgentOverrideStore {
  /**
   * Every stored override, in no particular order. The records are copies: changing one does
   * not change the store.
   */
  list(): Promise<AgentOverride[]>
  /**
   * Creates or replaces the agent's override as a whole — fields are not merged with the
   * previous one, so a `null` written here clears an earlier value. Atomic per agent: of
   * concurrent `put`s for one agent (from any instance) one complete record wins, never a mix.
   */
  put(override: AgentOverride): Promise<void>
}
