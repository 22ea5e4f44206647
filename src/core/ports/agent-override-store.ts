/** Changes an admin made to an agent in the dashboard, applied over its AGENT.md. `null` keeps the file's value. */
export interface AgentOverride {
  agentId: string
  enabled: boolean | null
  description: string | null
  /** `provider:model`. */
  model: string | null
  executionMode: 'sync' | 'async' | null
  updatedBy: string | null
  updatedAt: number
}

/** Agent overrides, one row per agent. */
export interface AgentOverrideStore {
  list(): Promise<AgentOverride[]>
  /** Creates or replaces the agent's override. */
  put(override: AgentOverride): Promise<void>
}
