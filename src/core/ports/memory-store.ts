/** Who a memory belongs to: one user (the authenticated principal) and one agent. */
export interface MemoryScope {
  /** The principal id of the user. Anonymous callers have no memories. */
  ownerId: string
  agentId: string
}

/** One remembered fact, as the agent saved it. */
export interface Memory {
  id: string
  ownerId: string
  agentId: string
  /** The remembered text, as saved (never rewritten by the store). */
  content: string
  /** Epoch milliseconds. */
  createdAt: number
}

/**
 * Long-term agent memory. Every call is scoped by `(ownerId, agentId)`: a memory saved in one
 * scope is never listed, recalled, forgotten or replaced through another — not another user's,
 * not another agent's. Every instance of a gateway reads the same store, so what one instance
 * saved another recalls.
 */
export interface MemoryStore {
  /** Stores `content` in `scope` and returns the new memory (with a fresh id). */
  save(scope: MemoryScope, content: string): Promise<Memory>
  /**
   * At most `limit` memories of `scope` relevant to `query`, most relevant first (full-text
   * search; a memory sharing no word with the query is not returned). An empty query, or one
   * with no searchable word, returns nothing.
   */
  recall(scope: MemoryScope, query: string, limit: number): Promise<Memory[]>
  /** Every memory of `scope`, oldest first. */
  list(scope: MemoryScope): Promise<Memory[]>
  /** Removes the memory `id` of `scope`; `false` when `scope` has no such memory. */
  forget(scope: MemoryScope, id: string): Promise<boolean>
  /**
   * Compaction: replaces every memory of `scope` with `contents`, in one step — a concurrent
   * reader sees either the old set or the new one. Returns the new memories, in order.
   */
  replace(scope: MemoryScope, contents: string[]): Promise<Memory[]>
}
