import type { KeyPath } from './parse-yaml.ts'

/** Prefix of environment variables that override `gateway.yaml`. */
export const envPrefix = 'AGW_'

export interface EnvOverride {
  variable: string
  path: KeyPath
  value: string
}

/**
 * Reads `AGW_<SECTION>__<KEY>[__<KEY>…]=value` overrides; nesting uses a double underscore and
 * names are matched case-insensitively against snake_case keys. A variable with no `__`
 * (e.g. `AGW_TIMEZONE`) can only set a top-level scalar, named in `topLevelScalars`; others of
 * that form are left alone because they commonly feed `${VAR}` interpolation (e.g. `AGW_MODEL`).
 */
export function readEnvOverrides(
  env: Readonly<Record<string, string | undefined>>,
  topLevelScalars: readonly string[],
): EnvOverride[] {
  const overrides: EnvOverride[] = []
  for (const [variable, value] of Object.entries(env)) {
    if (value === undefined || !variable.startsWith(envPrefix)) continue
    const rest = variable.slice(envPrefix.length).toLowerCase()
    const path = rest.split('__').filter((segment) => segment !== '')
    if (path.length === 0) continue
    if (path.length === 1 && !topLevelScalars.includes(path[0] as string)) continue
    overrides.push({ variable, path, value })
  }
  return overrides.sort((a, b) => a.variable.localeCompare(b.variable))
}

/** Returns a copy of `tree` with `value` set at `path`, creating objects along the way. */
export function setAtPath(tree: unknown, path: KeyPath, value: unknown): unknown {
  if (path.length === 0) return value
  const [head, ...rest] = path
  const base: Record<string, unknown> =
    typeof tree === 'object' && tree !== null && !Array.isArray(tree)
      ? { ...(tree as Record<string, unknown>) }
      : {}
  base[String(head)] = setAtPath(base[String(head)], rest, value)
  return base
}
