import { ConfigError, type ConfigIssue } from '../errors.ts'
import { readEnvOverrides, setAtPath } from './env-overrides.ts'
import { interpolateTree } from './interpolate.ts'
import { normalizeTree } from './normalize-tree.ts'
import { type KeyPath, type ParsedYaml, parseYaml, pathKey } from './parse-yaml.ts'
import { type GatewayConfig, type GatewayConfigData, gatewayConfigSchema } from './schema.ts'
import { toConfigIssues } from './schema-issues.ts'

export interface ResolveConfigOptions {
  /** Contents of `gateway.yaml`, if there is one. */
  yaml?: { text: string; file: string } | undefined
  /** Environment used for `${VAR}` and `AGW_*` overrides. */
  env?: Readonly<Record<string, string | undefined>>
  /** Constructor and fluent options, backend instances taken out; they win over everything else. */
  overrides?: GatewayConfigData | undefined
}

export interface ResolvedConfig {
  config: GatewayConfig
  /** Non-fatal findings (unknown keys, ignored env vars), each with its source. */
  warnings: ConfigIssue[]
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Deep merge where `top` wins; arrays and scalars replace, `undefined` is ignored. */
export function mergeDeep(base: unknown, top: unknown): unknown {
  if (top === undefined) return base
  if (!isPlainObject(base) || !isPlainObject(top)) return top
  const result: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(top)) result[key] = mergeDeep(base[key], value)
  return result
}

function collectPaths(value: unknown, path: KeyPath, into: Set<string>): void {
  if (value === undefined) return
  into.add(pathKey(path))
  if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) collectPaths(item, [...path, key], into)
  }
}

/**
 * Resolves the configuration from defaults < `gateway.yaml` < `AGW_*` env < options, validating
 * the result against one schema. Pure: the caller reads the file and passes the environment.
 * Throws `ConfigError` naming file, line and key for every problem; never falls back.
 */
export function resolveConfig(options: ResolveConfigOptions = {}): ResolvedConfig {
  const env = options.env ?? {}
  const file = options.yaml?.file ?? 'gateway.yaml'
  const warnings: ConfigIssue[] = []

  const parsed: ParsedYaml = options.yaml
    ? parseYaml(options.yaml.text, { file })
    : { value: {}, locate: () => undefined }
  const at = (path: KeyPath): ConfigIssue => ({
    file,
    ...(parsed.locate(path) ?? {}),
    keyPath: path.join('.'),
    message: '',
  })

  let raw = parsed.value ?? {}
  if (!isPlainObject(raw)) {
    throw new ConfigError({ ...at([]), message: 'the top level must be a mapping of sections' })
  }

  const interpolated = interpolateTree(raw, env)
  if (interpolated.problems.length > 0) {
    throw new ConfigError(
      interpolated.problems.map((problem) => ({
        ...at(problem.path),
        message: `environment variable ${problem.variable} is not set (use \${${problem.variable}:-default} for a default)`,
      })),
    )
  }
  raw = interpolated.value as Record<string, unknown>

  const topLevelScalars = ['timezone']
  const envSources = new Map<string, string>()
  for (const override of readEnvOverrides(env, topLevelScalars)) {
    raw = setAtPath(raw, override.path, override.value) as Record<string, unknown>
    envSources.set(pathKey(override.path), override.variable)
  }

  const normalized = normalizeTree(raw, gatewayConfigSchema)
  for (const unknown of normalized.unknownKeys) {
    const variable = envSourceOf(envSources, unknown.path)
    const hint = unknown.suggestion ? ` (did you mean "${unknown.suggestion}"?)` : ''
    warnings.push(
      variable
        ? { keyPath: unknown.path.join('.'), message: `${variable} does not name a setting; ignored${hint}` }
        : { ...at(unknown.path), message: `unknown key, ignored${hint}` },
    )
  }

  const overridePaths = new Set<string>()
  collectPaths(options.overrides, [], overridePaths)
  const merged = mergeDeep(normalized.value, options.overrides)

  const result = gatewayConfigSchema.safeParse(merged)
  if (!result.success) {
    throw new ConfigError(
      toConfigIssues(result.error.issues, {
        sourcePaths: normalized.sourcePaths,
        at,
        sourceOf(path, sourcePath) {
          if (overridePaths.has(pathKey(path)))
            return { file: 'options', keyPath: path.join('.'), message: '' }
          const variable = envSourceOf(envSources, sourcePath)
          return variable ? { file: variable, keyPath: sourcePath.join('.'), message: '' } : undefined
        },
      }),
    )
  }
  return { config: result.data, warnings }
}

function envSourceOf(envSources: Map<string, string>, path: KeyPath): string | undefined {
  for (let length = path.length; length > 0; length--) {
    const variable = envSources.get(pathKey(path.slice(0, length)))
    if (variable) return variable
  }
  return undefined
}
