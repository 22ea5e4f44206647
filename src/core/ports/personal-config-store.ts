/**
 * One user's setup of one personal agent (`scope: personal`): the values of its `setup_schema`
 * and the user's own instructions. Values of properties marked `sensitive: true` are stored only
 * sealed by the secret box, in `secrets`; `values` never holds them.
 */
export interface PersonalConfig {
  agentId: string
  /** The principal id of the user the setup belongs to. */
  ownerId: string
  /** The non-sensitive setup values, as validated against the agent's `setup_schema`. */
  values: Record<string, unknown>
  /** Sensitive setup values by property name, each sealed by the secret box (never plaintext). */
  secrets: Record<string, string>
  /** The user's instructions for the agent, injected into its prompt; `null` for none. */
  instructions: string | null
  /** Epoch milliseconds. */
  updatedAt: number
}

/**
 * Personal-agent setups, at most one per agent and owner. Every instance of a gateway reads the
 * same store, so a setup saved on one instance lets the user run the agent on all of them.
 */
export interface PersonalConfigStore {
  /** The setup of `ownerId` for `agentId`, or `undefined`. The record is a copy. */
  get(agentId: string, ownerId: string): Promise<PersonalConfig | undefined>
  /** Every setup of one owner, in no particular order (copies). */
  listByOwner(ownerId: string): Promise<PersonalConfig[]>
  /**
   * Creates or replaces the setup of `(agentId, ownerId)` as a whole — fields are not merged
   * with the previous record. Atomic per key: of concurrent `put`s for one key (from any
   * instance) one complete record wins, never a mix.
   */
  put(config: PersonalConfig): Promise<void>
  /** Removes the setup; `true` when there was one. */
  delete(agentId: string, ownerId: string): Promise<boolean>
}
