import type { Kysely } from 'kysely'
import type { AgentOverride, AgentOverrideStore } from '../../core/ports/agent-override-store.ts'
import type { GatewayDatabase } from './database-schema.ts'

/** Agent overrides in the database, so they survive restarts and reach every instance. */
export function createSqlAgentOverrideStore(db: Kysely<GatewayDatabase>): AgentOverrideStore {
  return {
    async list() {
      const rows = await db.selectFrom('agent_overrides').selectAll().execute()
      return rows.map(
        (row): AgentOverride => ({
          agentId: row.agent_id,
          enabled: row.enabled === null ? null : row.enabled === 1,
          description: row.description,
          model: row.model,
          executionMode:
            row.execution_mode === 'sync' || row.execution_mode === 'async' ? row.execution_mode : null,
          updatedBy: row.updated_by,
          updatedAt: row.updated_at,
        }),
      )
    },
    async put(override) {
      const values = {
        agent_id: override.agentId,
        enabled: override.enabled === null ? null : override.enabled ? 1 : 0,
        description: override.description,
        model: override.model,
        execution_mode: override.executionMode,
        updated_by: override.updatedBy,
        updated_at: override.updatedAt,
      }
      await db
        .insertInto('agent_overrides')
        .values(values)
        .onConflict((conflict) =>
          conflict.column('agent_id').doUpdateSet({
            enabled: values.enabled,
            description: values.description,
            model: values.model,
            execution_mode: values.execution_mode,
            updated_by: values.updated_by,
            updated_at: values.updated_at,
          }),
        )
        .execute()
    },
  }
}
