import { randomUUID } from 'node:crypto'
import type { Kysely, Selectable } from 'kysely'
import { GatewayError } from '../../core/errors.ts'
import type { ChatMessage } from '../../core/execution-types.ts'
import {
  maxSessionMessages,
  type SessionStore,
  type SessionSummary,
  trimHistory,
} from '../../core/ports/session-store.ts'
import type { ConversationsTable, GatewayDatabase } from './database-schema.ts'
import { fromJson, toJson } from './json-columns.ts'
import { createSqlLeases } from './sql-leases.ts'

function toSummary(row: Selectable<ConversationsTable>): SessionSummary {
  return {
    id: row.id,
    agentId: row.agent_id,
    ownerId: row.owner_id,
    messageCount: row.message_count,
    turnCount: row.turn_count,
    title: row.title,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

/** How long a crashed holder keeps a session's turn lock, by default. */
const defaultLockTtlMs = 10_000
const lockPollMs = 100

/**
 * Sessions as conversations + append-only messages. Turn locks are database leases, so turns on
 * one session are serialized across every process that shares the database.
 */
export function createSqlSessionStore(
  db: Kysely<GatewayDatabase>,
  options: { lockTtlMs?: number | undefined } = {},
): SessionStore {
  const leases = createSqlLeases(db)
  const lockTtlMs = options.lockTtlMs ?? defaultLockTtlMs
  return {
    async get(id) {
      const row = await db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst()
      if (!row) return undefined
      // Read a little more than the window so trimming can find a safe starting point.
      const recent = await db
        .selectFrom('conversation_messages')
        .select(['data'])
        .where('conversation_id', '=', id)
        .orderBy('sequence', 'desc')
        .limit(maxSessionMessages + 20)
        .execute()
      const messages = recent.reverse().map((message) => fromJson<ChatMessage>(message.data))
      return { ...toSummary(row), messages: trimHistory(messages) }
    },

    async appendTurn(id, turn) {
      await db.transaction().execute(async (transaction) => {
        await transaction
          .insertInto('conversations')
          .values({
            id,
            agent_id: turn.agentId,
            owner_id: turn.ownerId,
            title: null,
            message_count: 0,
            turn_count: 0,
            created_at: turn.at,
            updated_at: turn.at,
          })
          .onConflict((conflict) => conflict.column('id').doNothing())
          .execute()
        const current = await transaction
          .selectFrom('conversations')
          .select('message_count')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
        if (turn.messages.length > 0) {
          await transaction
            .insertInto('conversation_messages')
            .values(
              turn.messages.map((message, index) => ({
                conversation_id: id,
                sequence: current.message_count + index + 1,
                role: message.role,
                data: toJson(message),
                created_at: turn.at,
              })),
            )
            .execute()
        }
        const firstUser = turn.messages.find((message) => message.role === 'user')
        await transaction
          .updateTable('conversations')
          .set((eb) => ({
            message_count: eb('message_count', '+', turn.messages.length),
            turn_count: eb('turn_count', '+', 1),
            updated_at: turn.at,
            title: eb.fn.coalesce(
              'title',
              eb.val(firstUser?.role === 'user' ? firstUser.content.slice(0, 120) : null),
            ),
          }))
          .where('id', '=', id)
          .execute()
      })
    },

    async delete(id) {
      return db.transaction().execute(async (transaction) => {
        await transaction.deleteFrom('conversation_messages').where('conversation_id', '=', id).execute()
        const result = await transaction.deleteFrom('conversations').where('id', '=', id).executeTakeFirst()
        return Number(result.numDeletedRows) > 0
      })
    },

    async list(filter) {
      let query = db.selectFrom('conversations').selectAll()
      if (filter.agentId !== undefined) query = query.where('agent_id', '=', filter.agentId)
      if (filter.ownerId !== undefined) {
        query =
          filter.ownerId === null
            ? query.where('owner_id', 'is', null)
            : query.where('owner_id', '=', filter.ownerId)
      }
      if (filter.before !== undefined) query = query.where('updated_at', '<', filter.before)
      const rows = await query.orderBy('updated_at', 'desc').limit(filter.limit).execute()
      return rows.map(toSummary)
    },

    async pruneIdle(updatedBefore, limit) {
      if (limit <= 0) return 0
      return db.transaction().execute(async (transaction) => {
        const rows = await transaction
          .selectFrom('conversations')
          .select('id')
          .where('updated_at', '<', updatedBefore)
          .limit(limit)
          .execute()
        if (rows.length === 0) return 0
        // The idle condition again: a turn appended meanwhile keeps its session.
        const deleted = await transaction
          .deleteFrom('conversations')
          .where(
            'id',
            'in',
            rows.map((row) => row.id),
          )
          .where('updated_at', '<', updatedBefore)
          .returning('id')
          .execute()
        const ids = deleted.map((row) => row.id)
        if (ids.length === 0) return 0
        await transaction.deleteFrom('conversation_messages').where('conversation_id', 'in', ids).execute()
        return ids.length
      })
    },
    async withLock(id, waitMs, work) {
      const name = `session:${id}`
      const holder = randomUUID()
      const deadline = Date.now() + waitMs
      while (!(await leases.acquire(name, holder, lockTtlMs))) {
        if (Date.now() >= deadline) throw new GatewayError('session_busy')
        await new Promise((resolve) => setTimeout(resolve, lockPollMs))
      }
      // Long turns keep renewing the lease; a crashed holder's lease simply expires.
      const renew = setInterval(() => {
        leases.acquire(name, holder, lockTtlMs).catch(() => undefined)
      }, lockTtlMs / 3)
      renew.unref?.()
      try {
        return await work()
      } finally {
        clearInterval(renew)
        await leases.release(name, holder).catch(() => undefined)
      }
    },
  }
}
