import type { JsonSchema } from '../../core/workspace/tool-parameters.ts'

/** What a sample may draw on: the user's text and values given by name (an agent's input). */
export interface SampleHints {
  text: string
  values: Readonly<Record<string, unknown>>
}

const textLikeNames =
  /^(q|query|question|text|message|prompt|content|search|keywords?|topic|description|body|title|summary)$/i
const formats: Record<string, string> = {
  email: 'user@example.com',
  'date-time': '2026-01-01T09:00:00Z',
  date: '2026-01-01',
  time: '09:00:00',
  uri: 'https://example.com/',
  url: 'https://example.com/',
  uuid: '00000000-0000-4000-8000-000000000000',
  hostname: 'example.com',
  ipv4: '192.0.2.1',
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function primaryType(schema: JsonSchema): string | undefined {
  const type = schema.type
  if (Array.isArray(type)) return (type.find((entry) => entry !== 'null') as string | undefined) ?? 'null'
  if (typeof type === 'string') return type
  if (isObject(schema.properties)) return 'object'
  if (schema.items) return 'array'
  return undefined
}

function fitsType(value: unknown, type: string | undefined): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string'
    case 'integer':
      return Number.isInteger(value)
    case 'number':
      return typeof value === 'number'
    case 'boolean':
      return typeof value === 'boolean'
    case 'array':
      return Array.isArray(value)
    case 'object':
      return isObject(value)
    default:
      return value !== undefined
  }
}

function sampleString(schema: JsonSchema, name: string | undefined, hints: SampleHints): string {
  if (typeof schema.format === 'string' && formats[schema.format]) return formats[schema.format] as string
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0
  const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : 200
  let value: string
  const text = hints.text.replace(/\s+/g, ' ').trim()
  if (name && textLikeNames.test(name)) {
    value = text || 'example'
  } else {
    // A proper noun from the text is the best guess for names, cities, destinations… A
    // capitalized word that starts a sentence is only a fallback.
    const line = text.split('\n')[0] ?? ''
    const nouns = [...line.matchAll(/(^|[.!?]\s+|\s)(?!I\b)([A-Z][a-zà-ÿ]+(?:\s[A-Z][a-zà-ÿ]+)?)/g)]
    const properNoun = (nouns.find((match) => !/^$|[.!?]/.test(match[1] ?? '')) ?? nouns[0])?.[2]
    value = properNoun ?? (text.split(' ').slice(0, 4).join(' ') || 'example')
  }
  if (value.length > maxLength) value = value.slice(0, maxLength)
  while (value.length < minLength) value += 'x'
  return value
}

function sampleNumber(schema: JsonSchema, integer: boolean): number {
  const minimum = typeof schema.minimum === 'number' ? schema.minimum : undefined
  const exclusiveMinimum = typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum : undefined
  const maximum = typeof schema.maximum === 'number' ? schema.maximum : undefined
  let value = minimum ?? (exclusiveMinimum !== undefined ? exclusiveMinimum + (integer ? 1 : 0.5) : 1)
  if (maximum !== undefined && value > maximum) value = maximum
  if (integer) value = Math.ceil(value)
  return value
}

/**
 * Produces a value that satisfies a JSON Schema, preferring hints: a property whose name matches
 * a given value takes it, text-like properties take the user's text. Used by the `mock` model to
 * fill tool arguments and structured output deterministically.
 */
export function sampleFromSchema(schema: JsonSchema, hints: SampleHints, name?: string, depth = 0): unknown {
  if (depth > 6) return null
  if ('const' in schema) return schema.const
  if (name !== undefined && name in hints.values && fitsType(hints.values[name], primaryType(schema))) {
    const hinted = hints.values[name]
    if (!Array.isArray(schema.enum) || schema.enum.includes(hinted)) return hinted
  }
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0]
  if ('default' in schema) return schema.default
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = schema[key]
    if (Array.isArray(options) && isObject(options[0]))
      return sampleFromSchema(options[0], hints, name, depth + 1)
  }
  if (Array.isArray(schema.allOf)) {
    const merged = Object.assign({}, ...schema.allOf.filter(isObject)) as JsonSchema
    return sampleFromSchema({ ...schema, allOf: undefined, ...merged }, hints, name, depth + 1)
  }
  switch (primaryType(schema)) {
    case 'string':
      return sampleString(schema, name, hints)
    case 'integer':
      return sampleNumber(schema, true)
    case 'number':
      return sampleNumber(schema, false)
    case 'boolean':
      return true
    case 'null':
      return null
    case 'array': {
      const items = isObject(schema.items) ? schema.items : {}
      const count = Math.max(typeof schema.minItems === 'number' ? schema.minItems : 1, 1)
      const limited = typeof schema.maxItems === 'number' ? Math.min(count, schema.maxItems) : count
      return Array.from({ length: limited }, () => sampleFromSchema(items, hints, undefined, depth + 1))
    }
    case 'object': {
      const properties = isObject(schema.properties) ? schema.properties : {}
      const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : [])
      const result: Record<string, unknown> = {}
      for (const [key, property] of Object.entries(properties)) {
        if (!isObject(property)) continue
        if (required.has(key) || key in hints.values || 'default' in property) {
          result[key] = sampleFromSchema(property, hints, key, depth + 1)
        }
      }
      for (const key of required) if (!(key in result)) result[key] = 'example'
      return result
    }
    default:
      return hints.text || 'example'
  }
}
