import { randomUUID } from 'node:crypto'
import { type Kysely, PostgresAdapter, type Selectable, sql } from 'kysely'
import { memoryTerms } from '../../core/memory-terms.ts'
import type { Memory, MemoryScope, MemoryStore } from '../../core/ports/memory-store.ts'
import type { GatewayDatabase, MemoriesTable } from './database-schema.ts'

function toMemory(row: Selectable<MemoriesTable>): Memory {
  return {
    id: row.id,
    ownerId: row.owner_id,
    agentId: row.agent_id,
    content: row.content,
    createdAt: Number(row.created_at),
  }
}

/**
 * Agent memories in the database, shared by every instance. Recall is full-text search: FTS5
 * (porter stemming, bm25 ranking) on SQLite, `to_tsvector('english', …)` with any of the query's
 * words and `ts_rank` on Postgres.
 */
export function createSqlMemoryStore(db: Kysely<GatewayDatabase>): MemoryStore {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter
  async function insert(trx: Kysely<GatewayDatabase>, scope: MemoryScope, content: string) {
    const memory: Memory = { id: randomUUID(), ...scope, content, createdAt: Date.now() }
    await trx
      .insertInto('memories')
      .values({
        id: memory.id,
        owner_id: memory.ownerId,
        agent_id: memory.agentId,
        content: memory.content,
        created_at: memory.createdAt,
      })
      .execute()
    if (!postgres)
      await sql`insert into ${sql.table('memories_fts')} (content, memory_id) values (${content}, ${memory.id})`.execute(
        trx,
      )
    return memory
  }
  async function remove(trx: Kysely<GatewayDatabase>, scope: MemoryScope, id?: string) {
    let query = trx
      .deleteFrom('memories')
      .where('owner_id', '=', scope.ownerId)
      .where('agent_id', '=', scope.agentId)
    if (id !== undefined) query = query.where('id', '=', id)
    const removed = await query.returning('id').execute()
    if (!postgres && removed.length > 0) {
      const ids = removed.map((row) => row.id)
      await sql`delete from ${sql.table('memories_fts')} where memory_id in (${sql.join(ids)})`.execute(trx)
    }
    return removed.length
  }
  return {
    async save(scope, content) {
      return await db.transaction().execute((trx) => insert(trx, scope, content))
    },
    async recall(scope, query, limit) {
      const terms = memoryTerms(query)
      if (terms.length === 0 || limit <= 0) return []
      if (postgres) {
        const tsquery = sql`replace(plainto_tsquery('english', ${terms.join(' ')})::text, '&', '|')::tsquery`
        const result = await sql<Selectable<MemoriesTable>>`
          select * from ${sql.table('memories')}
          where owner_id = ${scope.ownerId} and agent_id = ${scope.agentId}
            and to_tsvector('english', content) @@ ${tsquery}
          order by ts_rank(to_tsvector('english', content), ${tsquery}) desc, seq desc
          limit ${limit}`.execute(db)
        return result.rows.map(toMemory)
      }
      const match = terms.map((term) => `"${term}"`).join(' OR ')
      const result = await sql<Selectable<MemoriesTable>>`
        select m.* from ${sql.table('memories_fts')} f
        join ${sql.table('memories')} m on m.id = f.memory_id
        where f.content match ${match} and m.owner_id = ${scope.ownerId} and m.agent_id = ${scope.agentId}
        order by f.rank, m.seq desc
        limit ${limit}`.execute(db)
      return result.rows.map(toMemory)
    },
    async list(scope) {
      const rows = await db
        .selectFrom('memories')
        .selectAll()
        .where('owner_id', '=', scope.ownerId)
        .where('agent_id', '=', scope.agentId)
        .orderBy('seq')
        .execute()
      return rows.map(toMemory)
    },
    async forget(scope, id) {
      return (await db.transaction().execute((trx) => remove(trx, scope, id))) > 0
    },
    async replace(scope, contents) {
      return await db.transaction().execute(async (trx) => {
        await remove(trx, scope)
        const saved: Memory[] = []
        for (const content of contents) saved.push(await insert(trx, scope, content))
        return saved
      })
    },
  }
}
