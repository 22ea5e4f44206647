import { ConfigError, type ConfigIssue } from '../errors.ts'
import { applyReferenceKeys } from './apply-reference-keys.ts'
import { readEnvOverrides, setAtPath } from './env-overrides.ts'
import { interpolateTree } from './interpolate.ts'
import { gatewayMemoryNotRead } from './memory-settings.ts'
import { normalizeTree } from './normalize-tree.ts'
import { type KeyPath, type ParsedYaml, parseYaml, pathKey } from './parse-yaml.ts'
import { toAgwVariable } from './reference-keys.ts'
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
  // Keys set from an agents-gateway key of another name are located at the key as written.
  let origins = new Map<string, KeyPath>()
  const written = (path: KeyPath): KeyPath => {
    for (let length = path.length; length > 0; length--) {
      const origin = origins.get(pathKey(path.slice(0, length)))
      if (origin) return [...origin, ...path.slice(length)]
    }
    return path
  }
  const at = (path: KeyPath): ConfigIssue => {
    const source = written(path)
    return { file, ...(parsed.locate(source) ?? {}), keyPath: source.join('.'), message: '' }
  }

  let raw: unknown = parsed.value ?? {}
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

  warnings.push(...referenceVariableWarnings(env))
  const applied = applyReferenceKeys(raw as Record<string, unknown>)
  raw = applied.value
  origins = applied.origins
  for (const note of applied.notes) {
    const variable = envSourceOf(envSources, note.path)
    warnings.push(
      variable
        ? { keyPath: note.path.join('.'), message: `${variable}: ${note.message}` }
        : { ...at(note.path), message: note.message },
    )
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
  if (result.data.memory.enabled) {
    const path = ['memory', 'enabled']
    const variable = envSourceOf(envSources, path)
    const source: ConfigIssue =
      collectedFromOptions(overridePaths, path) || collectedFromOptions(overridePaths, ['memory'])
        ? { file: 'options', keyPath: 'memory.enabled', message: '' }
        : variable
          ? { file: variable, keyPath: 'memory.enabled', message: '' }
          : at(path)
    warnings.push({ ...source, message: gatewayMemoryNotRead })
  }
  return { config: result.data, warnings }
}

/** Variables of agents-gateway (`AGENT_GATEWAY_*`) are not read; each gets a warning naming its `AGW_*` twin. */
function referenceVariableWarnings(env: Readonly<Record<string, string | undefined>>): ConfigIssue[] {
  const warnings: ConfigIssue[] = []
  for (const variable of Object.keys(env).sort()) {
    if (!variable.startsWith('AGENT_GATEWAY_') || env[variable] === undefined) continue
    const twin = toAgwVariable(variable)
    warnings.push({
      file: variable,
      message: twin
        ? `agents-gateway variables are not read; use ${twin}`
        : variable === 'AGENT_GATEWAY_SECRET_KEY'
          ? 'not read; use AGW_SECRET_KEY with a new key (32 random bytes as base64 or hex): secrets agents-gateway encrypted cannot be carried over'
          : 'agents-gateway variables are not read, and this one has no agentgw equivalent (see docs/migrating-from-agents-gateway.md)',
    })
  }
  return warnings
}

function collectedFromOptions(overridePaths: Set<string>, path: KeyPath): boolean {
  return overridePaths.has(pathKey(path))
}

function envSourceOf(envSources: Map<string, string>, path: KeyPath): string | undefined {
  for (let length = path.length; length > 0; length--) {
    const variable = envSources.get(pathKey(path.slice(0, length)))
    if (variable) return variable
  }
  return undefined
}
