/**
 * An MCP server configured through the admin API or the dashboard. Everything that can hold a
 * credential — `env`, `headers` and `auth` — is in `sealedSecrets`, encrypted by the gateway's
 * secret box before it reaches the store; the store never sees plaintext credentials.
 */
export interface StoredMcpServer {
  /** Unique, `^[a-z0-9][a-z0-9_-]{0,63}$`. */
  name: string
  transport: 'stdio' | 'streamable_http'
  command: string | null
  args: string[]
  cwd: string | null
  url: string | null
  enabled: boolean
  connectionTimeoutMs: number | null
  toolCallTimeoutMs: number | null
  /** Sealed JSON of `{env, headers, auth}`, or `null` when the server has none of them. */
  sealedSecrets: string | null
  /** Names only (env keys, header names, auth field names), for showing what is set. */
  secretNames: string[]
  /** Epoch milliseconds. */
  createdAt: number
  /** Epoch milliseconds. */
  updatedAt: number
}

/**
 * MCP server configurations every instance of a gateway shares (each instance holds its own
 * connections to them). Records are copies: changing one does not change the store.
 */
export interface McpServerStore {
  /** Every stored server, ordered by name. */
  list(): Promise<StoredMcpServer[]>
  /** The server of this name, or `undefined`. */
  get(name: string): Promise<StoredMcpServer | undefined>
  /**
   * Creates the server; `false` (and nothing written) when one with this name exists. Atomic:
   * of concurrent creates of one name, from any instance, exactly one returns `true`.
   */
  create(server: StoredMcpServer): Promise<boolean>
  /** Replaces the server as a whole; `false` when there is none of this name. */
  update(server: StoredMcpServer): Promise<boolean>
  /** Deletes the server; `false` when there was none. */
  delete(name: string): Promise<boolean>
}
