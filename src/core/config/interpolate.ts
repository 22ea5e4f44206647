import type { KeyPath } from './parse-yaml.ts'

export interface InterpolationProblem {
  path: KeyPath
  variable: string
}

const reference = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-((?:[^}\\]|\\.)*))?\}/g

/**
 * Resolves `${VAR}` and `${VAR:-default}` in every string of an already-parsed tree, so a value
 * can never inject YAML structure. `:-` uses the default when the variable is unset or empty
 * (shell semantics); `$${` is a literal `${`. A `${VAR}` with no value and no default is a
 * problem the caller reports with the key's line.
 */
export function interpolateTree(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
): { value: unknown; problems: InterpolationProblem[] } {
  const problems: InterpolationProblem[] = []
  const walk = (node: unknown, path: KeyPath): unknown => {
    if (typeof node === 'string')
      return interpolateString(node, env, (variable) => problems.push({ path, variable }))
    if (Array.isArray(node)) return node.map((item, index) => walk(item, [...path, index]))
    if (typeof node === 'object' && node !== null) {
      return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, walk(item, [...path, key])]))
    }
    return node
  }
  return { value: walk(value, []), problems }
}

export function interpolateString(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
  onMissing: (variable: string) => void,
): string {
  if (!text.includes('${')) return text
  return text.replace(reference, (match, variable: string | undefined, fallback: string | undefined) => {
    if (match === '$${') return '${'
    const name = variable as string
    const current = env[name]
    if (fallback !== undefined) {
      return current === undefined || current === '' ? fallback.replace(/\\(.)/g, '$1') : current
    }
    if (current === undefined) {
      onMissing(name)
      return ''
    }
    return current
  })
}
