/** The parts of an OpenAPI document this module edits. */
interface OpenApiDocument {
  paths?: Record<string, Record<string, unknown>>
  components?: { schemas?: Record<string, unknown> }
}

const schemaRef = /"#\/components\/schemas\/([^"]+)"/g

function referencedSchemas(value: unknown): string[] {
  return [...JSON.stringify(value ?? null).matchAll(schemaRef)].map((match) =>
    decodeURIComponent(match[1] as string),
  )
}

const methods = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'])

/**
 * Removes every operation not in `operations` (`get /v1/agents`) from a document, then the
 * component schemas nothing left refers to, so another app's routes and models do not show up.
 */
export function keepOperations<T extends object>(original: T, operations: ReadonlySet<string>): T {
  const document = original as OpenApiDocument
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of Object.keys(item)) {
      if (methods.has(method) && !operations.has(`${method} ${path}`)) delete item[method]
    }
    if (!Object.keys(item).some((key) => methods.has(key))) delete document.paths?.[path]
  }
  const schemas = document.components?.schemas
  if (!schemas) return original
  const kept = new Set<string>()
  const pending = referencedSchemas(document.paths)
  while (pending.length > 0) {
    const name = pending.pop() as string
    if (kept.has(name)) continue
    kept.add(name)
    pending.push(...referencedSchemas(schemas[name]))
  }
  for (const name of Object.keys(schemas)) if (!kept.has(name)) delete schemas[name]
  return original
}
