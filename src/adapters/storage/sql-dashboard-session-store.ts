import type { Kysely, Selectable } from 'kysely'
import type {
  DashboardSessionRecord,
  DashboardSessionStore,
} from '../../core/ports/dashboard-session-store.ts'
import type { DashboardSessionsTable, GatewayDatabase } from './database-schema.ts'

function toRecord(row: Selectable<DashboardSessionsTable>): DashboardSessionRecord {
  return {
    idHash: row.id_hash,
    principalId: row.principal_id,
    username: row.username,
    displayName: row.display_name,
    email: row.email,
    subject: row.subject,
    authMethod: row.auth_method === 'sso' ? 'sso' : 'password',
    role: row.role === 'admin' ? 'admin' : 'user',
    csrfToken: row.csrf_token,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  }
}

/** Dashboard sessions in the gateway's database: every instance sees a sign-in or a sign-out at once. */
export function createSqlDashboardSessionStore(db: Kysely<GatewayDatabase>): DashboardSessionStore {
  return {
    async create(record) {
      await db
        .insertInto('dashboard_sessions')
        .values({
          id_hash: record.idHash,
          principal_id: record.principalId,
          username: record.username,
          display_name: record.displayName,
          email: record.email,
          subject: record.subject,
          auth_method: record.authMethod,
          role: record.role,
          csrf_token: record.csrfToken,
          created_at: record.createdAt,
          expires_at: record.expiresAt,
        })
        .execute()
    },
    async get(idHash, now) {
      const row = await db
        .selectFrom('dashboard_sessions')
        .selectAll()
        .where('id_hash', '=', idHash)
        .where('expires_at', '>', now)
        .executeTakeFirst()
      return row ? toRecord(row) : undefined
    },
    async delete(idHash) {
      await db.deleteFrom('dashboard_sessions').where('id_hash', '=', idHash).execute()
    },
    async deleteExpired(now) {
      const result = await db
        .deleteFrom('dashboard_sessions')
        .where('expires_at', '<=', now)
        .executeTakeFirst()
      return Number(result.numDeletedRows)
    },
  }
}
