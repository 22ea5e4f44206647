import type { JsonSchema } from './tool-parameters.ts'

/** One property of a personal agent's `setup_schema`, as a setup form shows it. */
export interface SetupField {
  name: string
  /** `title`, or the property name. */
  label: string
  description: string | null
  kind: 'text' | 'secret' | 'enum' | 'array' | 'boolean' | 'number' | 'integer'
  required: boolean
  /** The choices of an `enum` property (or of an array's items). */
  choices: string[]
  default: unknown
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function propertiesOf(schema: JsonSchema | null): [string, Record<string, unknown>][] {
  if (!schema || !isRecord(schema.properties)) return []
  return Object.entries(schema.properties).filter((entry): entry is [string, Record<string, unknown>] =>
    isRecord(entry[1]),
  )
}

/** Top-level properties marked `sensitive: true`: stored sealed, never sent back. */
export function sensitiveProperties(schema: JsonSchema | null): string[] {
  return propertiesOf(schema)
    .filter(([, property]) => property.sensitive === true)
    .map(([name]) => name)
}

/** The form fields of a setup schema's top-level properties, in the schema's order. */
export function setupFields(schema: JsonSchema | null): SetupField[] {
  const required = new Set(Array.isArray(schema?.required) ? schema.required.map(String) : [])
  return propertiesOf(schema).map(([name, property]): SetupField => {
    const type = property.type
    const items = isRecord(property.items) ? property.items : {}
    const choices = Array.isArray(property.enum)
      ? property.enum.map(String)
      : Array.isArray(items.enum)
        ? items.enum.map(String)
        : []
    const kind: SetupField['kind'] =
      property.sensitive === true
        ? 'secret'
        : type === 'array'
          ? 'array'
          : Array.isArray(property.enum)
            ? 'enum'
            : type === 'boolean'
              ? 'boolean'
              : type === 'integer'
                ? 'integer'
                : type === 'number'
                  ? 'number'
                  : 'text'
    return {
      name,
      label: typeof property.title === 'string' ? property.title : name,
      description: typeof property.description === 'string' ? property.description : null,
      kind,
      required: required.has(name),
      choices,
      default: property.default,
    }
  })
}

/**
 * Form fields (all strings) as setup values of the schema's types: numbers parsed, arrays split
 * on commas, checkboxes as booleans, empty optional fields left out. A value that does not parse
 * is passed on as text, for the schema validation to report.
 */
export function setupValuesFromForm(fields: readonly SetupField[], form: Readonly<Record<string, string>>) {
  const values: Record<string, unknown> = {}
  for (const field of fields) {
    const raw = form[field.name]
    if (field.kind === 'boolean') {
      values[field.name] = raw === 'on' || raw === 'true'
      continue
    }
    if (raw === undefined) continue
    const text = raw.trim()
    if (field.kind === 'secret') {
      values[field.name] = text
      continue
    }
    if (text === '') continue
    if (field.kind === 'number' || field.kind === 'integer') {
      const number = Number(text)
      values[field.name] = Number.isFinite(number) ? number : text
    } else if (field.kind === 'array') {
      values[field.name] = text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '')
    } else values[field.name] = text
  }
  return values
}
