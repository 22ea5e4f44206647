/** A JSON Schema object as plain data (draft 2020-12). */
export type JsonSchema = Record<string, unknown>

const schemaKeywords = new Set([
  '$schema',
  '$id',
  '$defs',
  'type',
  'properties',
  'required',
  'additionalProperties',
  'description',
  'title',
  'examples',
  'patternProperties',
  'minProperties',
  'maxProperties',
  'oneOf',
  'anyOf',
  'allOf',
])

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Tells a full JSON Schema from the flat parameter map. A flat map's values are parameter
 * descriptions (objects), so a string `type` or `$schema` at the top means JSON Schema; so does a
 * `properties` object of schemas next to nothing but schema keywords. (The reference read every
 * `parameters` block as a flat map and produced a bogus `properties` parameter.)
 */
export function isJsonSchema(parameters: Record<string, unknown>): boolean {
  if (typeof parameters.type === 'string' || typeof parameters.$schema === 'string') return true
  const properties = parameters.properties
  return (
    isPlainObject(properties) &&
    Object.values(properties).every(isPlainObject) &&
    Object.keys(parameters).every((key) => schemaKeywords.has(key))
  )
}

/**
 * Turns TOOL.md `parameters` into a JSON Schema for an object of arguments. Flat-map entries
 * take `{type, description, required, enum, default, items}`; `required: true` moves into the
 * schema's `required` list. No parameters gives an empty object schema.
 */
export function toParametersSchema(parameters: Record<string, unknown> | null): JsonSchema {
  if (!parameters) return { type: 'object', properties: {}, additionalProperties: false }
  if (isJsonSchema(parameters)) {
    return parameters.type === undefined ? { type: 'object', ...parameters } : parameters
  }
  const properties: Record<string, JsonSchema> = {}
  const required: string[] = []
  for (const [name, spec] of Object.entries(parameters)) {
    const description = isPlainObject(spec) ? spec : { type: typeof spec === 'string' ? spec : 'string' }
    const { required: isRequired, ...schema } = description
    properties[name] = { type: 'string', ...schema }
    if (isRequired === true) required.push(name)
  }
  return {
    type: 'object',
    properties,
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: false,
  }
}
