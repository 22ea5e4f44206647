import type { ChatMessage } from '../../engine/execution-types.ts'

/** A chat session: the conversation of one agent with one caller. */
export interface SessionRecord {
  id: string
  agentId: string
  /** The principal that owns it, or `null` for anonymous callers. */
  ownerId: string | null
  messages: ChatMessage[]
  turnCount: number
  /** Epoch milliseconds. */
  createdAt: number
  updatedAt: number
}

export interface SessionListFilter {
  agentId?: string | undefined
  /** Only sessions of this owner; `undefined` lists everyone's. */
  ownerId?: string | null | undefined
  limit: number
}

/**
 * Where chat sessions live. Implementations: in-memory (LRU + TTL, one process) and the durable
 * stores of the persistence layer (any number of processes).
 */
export interface SessionStore {
  get(id: string): Promise<SessionRecord | undefined>
  /** Creates or replaces a session. */
  save(session: SessionRecord): Promise<void>
  /** `true` when it existed. */
  delete(id: string): Promise<boolean>
  /** Most recently updated first. */
  list(filter: SessionListFilter): Promise<SessionRecord[]>
  /**
   * Runs `work` while holding the session's turn lock, so turns on one session never overlap —
   * across processes for durable stores. Waits up to `waitMs` for the lock, then throws
   * `GatewayError('session_busy')`.
   */
  withLock<T>(id: string, waitMs: number, work: () => Promise<T>): Promise<T>
}

/** Keep at most this many messages of history per session. */
export const maxSessionMessages = 100

/**
 * Cuts history to the last `max` messages on a safe boundary: it always starts with a user turn,
 * so a tool result is never separated from the call that produced it.
 */
export function trimHistory(messages: readonly ChatMessage[], max = maxSessionMessages): ChatMessage[] {
  if (messages.length <= max) return [...messages]
  let start = messages.length - max
  while (start < messages.length && messages[start]?.role !== 'user') start++
  return messages.slice(start)
}
