import type { Kysely, Selectable } from 'kysely'
import type { PersonalConfig, PersonalConfigStore } from '../../core/ports/personal-config-store.ts'
import type { GatewayDatabase, PersonalConfigsTable } from './database-schema.ts'
import { fromJson, toJson } from './json-columns.ts'

function toConfig(row: Selectable<PersonalConfigsTable>): PersonalConfig {
  return {
    agentId: row.agent_id,
    ownerId: row.owner_id,
    values: fromJson<Record<string, unknown>>(row.config_values) ?? {},
    secrets: fromJson<Record<string, string>>(row.sealed_secrets) ?? {},
    instructions: row.instructions,
    updatedAt: Number(row.updated_at),
  }
}

/** Personal-agent setups in the database, shared by every instance. */
export function createSqlPersonalConfigStore(db: Kysely<GatewayDatabase>): PersonalConfigStore {
  return {
    async get(agentId, ownerId) {
      const row = await db
        .selectFrom('personal_configs')
        .selectAll()
        .where('agent_id', '=', agentId)
        .where('owner_id', '=', ownerId)
        .executeTakeFirst()
      return row ? toConfig(row) : undefined
    },
    async listByOwner(ownerId) {
      const rows = await db
        .selectFrom('personal_configs')
        .selectAll()
        .where('owner_id', '=', ownerId)
        .execute()
      return rows.map(toConfig)
    },
    async put(config) {
      const values = {
        agent_id: config.agentId,
        owner_id: config.ownerId,
        config_values: toJson(config.values),
        sealed_secrets: toJson(config.secrets),
        instructions: config.instructions,
        updated_at: config.updatedAt,
      }
      await db
        .insertInto('personal_configs')
        .values(values)
        .onConflict((conflict) =>
          conflict.columns(['agent_id', 'owner_id']).doUpdateSet({
            config_values: values.config_values,
            sealed_secrets: values.sealed_secrets,
            instructions: values.instructions,
            updated_at: values.updated_at,
          }),
        )
        .execute()
    },
    async delete(agentId, ownerId) {
      const result = await db
        .deleteFrom('personal_configs')
        .where('agent_id', '=', agentId)
        .where('owner_id', '=', ownerId)
        .executeTakeFirst()
      return Number(result.numDeletedRows) > 0
    },
  }
}
