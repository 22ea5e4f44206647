import type { z } from 'zod'
import type { KeyPath } from './parse-yaml.ts'

/** `maxTokens` → `max_tokens`. */
export function toSnakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (char) => `_${char.toLowerCase()}`)
}

export interface UnknownKey {
  /** Path as written in the source (snake_case keys). */
  path: KeyPath
  suggestion?: string | undefined
}

export interface NormalizedTree {
  value: unknown
  unknownKeys: UnknownKey[]
  /** For each normalized (camelCase) path, the path as written in the source. */
  sourcePaths: Map<string, KeyPath>
}

interface ZodInternals {
  type: string
  innerType?: z.ZodType
  shape?: Record<string, z.ZodType>
  element?: z.ZodType
  valueType?: z.ZodType
  options?: z.ZodType[]
  in?: z.ZodType
  getter?: () => z.ZodType
}

function internals(schema: z.ZodType): ZodInternals {
  return (schema as unknown as { _zod: { def: ZodInternals } })._zod.def
}

/** Strips wrappers (optional, default, nullable, pipes…) down to the schema that shapes a value. */
export function unwrapSchema(schema: z.ZodType): z.ZodType {
  let current = schema
  for (let depth = 0; depth < 20; depth++) {
    const def = internals(current)
    if (
      def.innerType &&
      ['optional', 'nullable', 'default', 'prefault', 'catch', 'readonly', 'nonoptional'].includes(def.type)
    ) {
      current = def.innerType
    } else if (def.type === 'pipe' && def.in) {
      current = def.in
    } else if (def.type === 'lazy' && def.getter) {
      current = def.getter()
    } else {
      return current
    }
  }
  return current
}

function schemaKind(schema: z.ZodType): string {
  return internals(unwrapSchema(schema)).type
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] as number
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] as number
      row[j] = Math.min(current + 1, (row[j - 1] as number) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1))
      previous = current
    }
  }
  return row[b.length] as number
}

function suggest(key: string, candidates: string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1
  for (const candidate of candidates) {
    const distance = editDistance(key, candidate)
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return best
}

/**
 * Coerces a string to the scalar a schema leaf expects. Values from environment variables and
 * `${VAR}` interpolation are always strings; a port or a flag must still validate.
 */
function coerceLeaf(value: unknown, kind: string): unknown {
  if (typeof value !== 'string') return value
  const text = value.trim()
  switch (kind) {
    case 'number':
    case 'int':
      return text !== '' && Number.isFinite(Number(text)) ? Number(text) : value
    case 'boolean':
      if (/^(true|yes|on|1)$/i.test(text)) return true
      if (/^(false|no|off|0)$/i.test(text)) return false
      return value
    case 'array':
      if (text.startsWith('[')) return parseJson(text) ?? value
      return text === '' ? [] : text.split(',').map((part) => part.trim())
    case 'object':
    case 'record':
      return text.startsWith('{') ? (parseJson(text) ?? value) : value
    case 'null':
      return text === '' || text === 'null' ? null : value
    default:
      return value
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/**
 * Walks a tree parsed from YAML (or assembled from env vars) alongside the zod schema that will
 * validate it: turns snake_case keys into the schema's camelCase keys, coerces strings where the
 * schema wants scalars, and reports keys the schema does not know (typo protection). Free-form
 * maps (`z.record`, `z.unknown`) are passed through untouched, keys included.
 */
export function normalizeTree(value: unknown, schema: z.ZodType): NormalizedTree {
  const unknownKeys: UnknownKey[] = []
  const sourcePaths = new Map<string, KeyPath>()

  const walk = (node: unknown, nodeSchema: z.ZodType, sourcePath: KeyPath, targetPath: KeyPath): unknown => {
    sourcePaths.set(JSON.stringify(targetPath), sourcePath)
    const base = unwrapSchema(nodeSchema)
    const def = internals(base)
    switch (def.type) {
      case 'object': {
        const coerced = coerceLeaf(node, 'object')
        if (!isPlainObject(coerced) || !def.shape) return coerced
        const bySourceKey = new Map<string, string>()
        for (const key of Object.keys(def.shape)) {
          bySourceKey.set(key, key)
          bySourceKey.set(toSnakeCase(key), key)
        }
        const result: Record<string, unknown> = {}
        for (const [rawKey, rawValue] of Object.entries(coerced)) {
          const key = bySourceKey.get(rawKey)
          if (key === undefined) {
            const candidates = Object.keys(def.shape).map(toSnakeCase)
            unknownKeys.push({ path: [...sourcePath, rawKey], suggestion: suggest(rawKey, candidates) })
            continue
          }
          const childSchema = def.shape[key] as z.ZodType
          result[key] = walk(rawValue, childSchema, [...sourcePath, rawKey], [...targetPath, key])
        }
        return result
      }
      case 'array': {
        const coerced = coerceLeaf(node, 'array')
        if (!Array.isArray(coerced) || !def.element) return coerced
        const element = def.element
        return coerced.map((item, index) =>
          walk(item, element, [...sourcePath, index], [...targetPath, index]),
        )
      }
      case 'record': {
        const coerced = coerceLeaf(node, 'record')
        if (!isPlainObject(coerced) || !def.valueType) return coerced
        const valueType = def.valueType
        const result: Record<string, unknown> = {}
        for (const [key, item] of Object.entries(coerced)) {
          result[key] = walk(item, valueType, [...sourcePath, key], [...targetPath, key])
        }
        return result
      }
      case 'union': {
        // Pick the first option whose kind fits the value; scalars are left to validation.
        const options = def.options ?? []
        if (typeof node === 'string' && /^\s*[[{]/.test(node)) {
          const wanted = node.trim().startsWith('[') ? 'array' : 'object'
          const structured = options.find((option) => schemaKind(option) === wanted)
          if (structured) return walk(node, structured, sourcePath, targetPath)
        }
        const fitting = options.find((option) => {
          const kind = schemaKind(option)
          if (isPlainObject(node)) return kind === 'object' || kind === 'record'
          if (Array.isArray(node)) return kind === 'array'
          return false
        })
        return fitting ? walk(node, fitting, sourcePath, targetPath) : node
      }
      default:
        return coerceLeaf(node, def.type)
    }
  }

  const normalized = walk(value, schema, [], [])
  return { value: normalized, unknownKeys, sourcePaths }
}
