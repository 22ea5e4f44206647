import pc from 'picocolors'
import { assertMigrated, openDatabase } from '../../adapters/storage/open-database.ts'
import { resolveConfig } from '../../core/config/resolve-config.ts'
import { readGatewayConfigFile } from '../../workspace/read-gateway-config-file.ts'

export interface DbCommandOptions {
  workspace: string
  config?: string
}

/** `agentgw db migrate | status | rollback`. Returns the exit code. */
export async function runDbCommand(
  action: 'migrate' | 'status' | 'rollback',
  options: DbCommandOptions,
): Promise<number> {
  const { config } = resolveConfig({
    yaml: readGatewayConfigFile(options.config, options.workspace),
    env: process.env,
  })
  if (!config.persistence.enabled) {
    process.stderr.write('persistence is disabled in this configuration; there is no database to migrate\n')
    return 1
  }
  const database = await openDatabase({
    backend: config.persistence.backend,
    url: config.persistence.url,
    schema: config.persistence.schema,
    tablePrefix: config.persistence.tablePrefix,
    baseDirectory: options.workspace,
  })
  try {
    process.stdout.write(`${pc.bold('database')} ${database.description}\n`)
    if (action === 'status') {
      for (const migration of await database.migrationStatus()) {
        const state = migration.executedAt
          ? pc.green(`applied ${migration.executedAt.toISOString()}`)
          : pc.yellow('pending')
        process.stdout.write(`  ${migration.name}  ${state}\n`)
      }
      return 0
    }
    const result = action === 'migrate' ? await database.migrateToLatest() : await database.migrateDown()
    for (const entry of result.results ?? []) {
      const mark =
        entry.status === 'Success'
          ? pc.green('ok')
          : entry.status === 'Error'
            ? pc.red('failed')
            : pc.dim('skipped')
      process.stdout.write(
        `  ${entry.direction === 'Up' ? 'up  ' : 'down'} ${entry.migrationName}  ${mark}\n`,
      )
    }
    if ((result.results ?? []).length === 0)
      process.stdout.write(`  ${action === 'migrate' ? 'already up to date' : 'nothing to roll back'}\n`)
    assertMigrated(result)
    return 0
  } finally {
    await database.close()
  }
}
