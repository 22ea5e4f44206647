import type { Kysely } from 'kysely'
import type { McpServerStore, StoredMcpServer } from '../../core/ports/mcp-server-store.ts'
import type { GatewayDatabase, McpServersTable } from './database-schema.ts'

function toRecord(row: McpServersTable): StoredMcpServer {
  return {
    name: row.name,
    transport: row.transport === 'streamable_http' ? 'streamable_http' : 'stdio',
    command: row.command,
    args: JSON.parse(row.args) as string[],
    cwd: row.cwd,
    url: row.url,
    enabled: row.enabled === 1,
    connectionTimeoutMs: row.connection_timeout_ms === null ? null : Number(row.connection_timeout_ms),
    toolCallTimeoutMs: row.tool_call_timeout_ms === null ? null : Number(row.tool_call_timeout_ms),
    sealedSecrets: row.sealed_secrets,
    secretNames: JSON.parse(row.secret_names) as string[],
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  }
}

function toRow(server: StoredMcpServer): McpServersTable {
  return {
    name: server.name,
    transport: server.transport,
    command: server.command,
    args: JSON.stringify(server.args),
    cwd: server.cwd,
    url: server.url,
    enabled: server.enabled ? 1 : 0,
    connection_timeout_ms: server.connectionTimeoutMs,
    tool_call_timeout_ms: server.toolCallTimeoutMs,
    sealed_secrets: server.sealedSecrets,
    secret_names: JSON.stringify(server.secretNames),
    created_at: server.createdAt,
    updated_at: server.updatedAt,
  }
}

/** MCP server configurations in the database, shared by every instance. */
export function createSqlMcpServerStore(db: Kysely<GatewayDatabase>): McpServerStore {
  return {
    async list() {
      const rows = await db.selectFrom('mcp_servers').selectAll().orderBy('name').execute()
      return rows.map(toRecord)
    },
    async get(name) {
      const row = await db.selectFrom('mcp_servers').selectAll().where('name', '=', name).executeTakeFirst()
      return row ? toRecord(row) : undefined
    },
    async create(server) {
      const result = await db
        .insertInto('mcp_servers')
        .values(toRow(server))
        .onConflict((conflict) => conflict.column('name').doNothing())
        .executeTakeFirst()
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0
    },
    async update(server) {
      const { name, created_at: _created, ...values } = toRow(server)
      const result = await db
        .updateTable('mcp_servers')
        .set(values)
        .where('name', '=', name)
        .executeTakeFirst()
      return Number(result.numUpdatedRows) > 0
    },
    async delete(name) {
      const result = await db.deleteFrom('mcp_servers').where('name', '=', name).executeTakeFirst()
      return Number(result.numDeletedRows) > 0
    },
  }
}
