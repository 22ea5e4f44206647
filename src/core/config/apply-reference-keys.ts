import type { KeyPath } from './parse-yaml.ts'
import { pathKey } from './parse-yaml.ts'
import { type ReferenceKey, referenceKeys } from './reference-keys.ts'

export interface ReferenceKeyNote {
  /** The key as written. */
  path: KeyPath
  message: string
}

export interface AppliedReferenceKeys {
  /** The tree in agentgw's spelling. */
  value: Record<string, unknown>
  /** One warning per reference key that is not honoured, or honoured with a caveat. */
  notes: ReferenceKeyNote[]
  /** For each key set from a differently named one: the key as written (for error locations). */
  origins: Map<string, KeyPath>
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function parentOf(
  tree: Record<string, unknown>,
  path: readonly string[],
): Record<string, unknown> | undefined {
  let node: unknown = tree
  for (const segment of path.slice(0, -1)) {
    if (!isPlainObject(node)) return undefined
    node = node[segment]
  }
  return isPlainObject(node) ? node : undefined
}

/** Sets `value` at `path`, copying every object on the way so the input tree is never changed. */
function setIn(
  tree: Record<string, unknown>,
  path: readonly string[],
  value: unknown,
): Record<string, unknown> {
  const [head, ...rest] = path as [string, ...string[]]
  const copy = { ...tree }
  if (rest.length === 0) copy[head] = value
  else copy[head] = setIn(isPlainObject(tree[head]) ? tree[head] : {}, rest, value)
  return copy
}

function deleteIn(tree: Record<string, unknown>, path: readonly string[]): Record<string, unknown> {
  const [head, ...rest] = path as [string, ...string[]]
  const copy = { ...tree }
  if (rest.length === 0) delete copy[head]
  else if (isPlainObject(tree[head])) copy[head] = deleteIn(tree[head], rest)
  return copy
}

function has(tree: Record<string, unknown>, path: readonly string[]): boolean {
  const parent = parentOf(tree, path)
  return parent !== undefined && Object.hasOwn(parent, path[path.length - 1] as string)
}

/**
 * Rewrites agents-gateway keys (`referenceKeys`) into agentgw's spelling before validation:
 * renamed keys move, translated keys become their agentgw values, unsupported keys are removed
 * with a warning that says what to do instead. Nothing is dropped without a note.
 */
export function applyReferenceKeys(tree: Record<string, unknown>): AppliedReferenceKeys {
  let value = tree
  const notes: ReferenceKeyNote[] = []
  const origins = new Map<string, KeyPath>()
  for (const [dotted, rule] of Object.entries(referenceKeys) as [string, ReferenceKey][]) {
    const path = dotted.split('.')
    if (!has(value, path)) continue
    const parent = parentOf(value, path) as Record<string, unknown>
    const written = parent[path[path.length - 1] as string]
    value = deleteIn(value, path)
    switch (rule.kind) {
      case 'renamed': {
        const target = rule.to.split('.')
        if (has(value, target)) {
          notes.push({ path, message: `ignored: ${rule.to} is also set and wins` })
          break
        }
        value = setIn(value, target, written)
        origins.set(pathKey(target), path)
        break
      }
      case 'translated': {
        const translation = rule.translate(written, parent)
        for (const [to, item] of translation.set ?? []) {
          const target = to.split('.')
          value = setIn(value, target, item)
          if (to !== dotted) origins.set(pathKey(target), path)
        }
        for (const message of translation.warnings ?? []) notes.push({ path, message })
        break
      }
      case 'unsupported':
        notes.push({
          path,
          message: `an agents-gateway setting agentgw does not support, ignored: ${rule.instead}`,
        })
        break
    }
  }
  return { value, notes, origins }
}
