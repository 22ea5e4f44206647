import { readFileSync } from 'node:fs'
import path from 'node:path'
import { ConfigError } from '../core/errors.ts'

/**
 * Reads gateway.yaml: an explicit `configFile` must exist; the default `<workspace>/gateway.yaml`
 * may be missing (defaults apply). `false` means no file.
 */
export function readGatewayConfigFile(
  configFile: string | false | undefined,
  workspaceRoot: string,
): { text: string; file: string } | undefined {
  if (configFile === false) return undefined
  const file = configFile ? path.resolve(configFile) : path.join(path.resolve(workspaceRoot), 'gateway.yaml')
  try {
    return { text: readFileSync(file, 'utf8'), file: path.relative(process.cwd(), file) || file }
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT' && configFile === undefined) return undefined
    throw new ConfigError({ file, message: `cannot read the config file: ${(error as Error).message}` })
  }
}
