import type { ChatMessage } from '../execution-types.ts'

/** A chat session: the conversation of one agent with one caller. */
export interface SessionRecord {
  id: string
  agentId: string
  /** The principal that owns it, or `null` for anonymous callers. */
  ownerId: string | null
  /** The most recent history, trimmed on a safe boundary (see `trimHistory`). */
  messages: ChatMessage[]
  /** All messages ever stored, including those trimmed away from `messages`. */
  messageCount: number
  turnCount: number
  /** The start of the first user message, for lists. */
  title: string | null
  /** Epoch milliseconds. */
  createdAt: number
  updatedAt: number
}

/** A session without its messages, as lists show it. */
export type SessionSummary = Omit<SessionRecord, 'messages'>

/** Which sessions `list()` returns, most recently updated first. */
export interface SessionListFilter {
  agentId?: string | undefined
  /** Only sessions of this owner; `undefined` lists everyone's. */
  ownerId?: string | null | undefined
  limit: number
  /** Sessions updated before this time (epoch ms), for paging. */
  before?: number | undefined
}

/** A completed chat turn to append: its messages, the agent and the session's owner. */
export interface NewTurn {
  agentId: string
  ownerId: string | null
  messages: ChatMessage[]
  at: number
}

/**
 * Where chat sessions live. Implementations: in-memory (LRU + TTL, one process) and the SQL
 * store (any number of processes sharing the database). History is append-only; reads return
 * the recent part, trimmed on a safe boundary. Records read from the store are copies.
 *
 * Turns on one session are serialized by `withLock`, which callers hold around read → run →
 * `appendTurn`; the store itself does not serialize concurrent `appendTurn`s on one session.
 */
export interface SessionStore {
  /** The session with its recent history (see `trimHistory`), or `undefined` when there is none. */
  get(id: string): Promise<SessionRecord | undefined>
  /**
   * Appends one completed turn's messages, creating the session (with `agentId`, `ownerId` and
   * `createdAt = at`) when it does not exist. Counts the turn and its messages, sets `updatedAt`
   * to `at`, and takes the title from the first user message ever stored (its first 120
   * characters). Atomic: a reader sees the whole turn or none of it.
   */
  appendTurn(id: string, turn: NewTurn): Promise<void>
  /** Removes the session and its whole history; `true` when it existed. */
  delete(id: string): Promise<boolean>
  /**
   * Sessions matching every given filter, most recently updated first, at most `limit`.
   * `ownerId: null` lists anonymous sessions only; `before` pages by `updatedAt`.
   */
  list(filter: SessionListFilter): Promise<SessionSummary[]>
  /**
   * Runs `work` while holding the session's turn lock and resolves with its result (or rejects
   * with its error, releasing the lock either way), so turns on one session never overlap —
   * across processes for durable stores. Waits up to `waitMs` for the lock, then rejects with
   * `GatewayError('session_busy')` without running `work`. Locks of different sessions are
   * independent. A holder that dies without releasing loses the lock after a bounded time.
   */
  withLock<T>(id: string, waitMs: number, work: () => Promise<T>): Promise<T>
  /**
   * Deletes up to `limit` sessions last updated before `updatedBefore` (epoch ms), each with its
   * whole history, in one short transaction, and resolves how many it deleted (fewer than
   * `limit` means none is left). The executions of a deleted session are left alone.
   */
  pruneIdle(updatedBefore: number, limit: number): Promise<number>
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
