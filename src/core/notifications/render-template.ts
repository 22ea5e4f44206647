/**
 * Renders a user's payload template without running any code. A template is JSON; inside its
 * strings `{{ name }}` or `{{ event.name }}` (dotted paths allowed) stands for a value of the
 * event. A string that is exactly one placeholder takes the value itself (a number, an object);
 * elsewhere the value is inserted as text. Unknown names render as nothing. Since the template
 * is parsed before anything is substituted, the result is always valid JSON, whatever the values.
 */
export function renderTemplate(template: unknown, values: Record<string, unknown>): unknown {
  if (typeof template === 'string') return renderString(template, values)
  if (Array.isArray(template)) return template.map((item) => renderTemplate(item, values))
  if (typeof template === 'object' && template !== null) {
    return Object.fromEntries(
      Object.entries(template).map(([key, value]) => [key, renderTemplate(value, values)]),
    )
  }
  return template
}

const placeholder = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\}\}/g
const wholePlaceholder = /^\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\}\}$/

function lookup(values: Record<string, unknown>, path: string): unknown {
  const parts = path.split('.')
  if (parts[0] === 'event') parts.shift()
  let current: unknown = values
  for (const part of parts) {
    // Own properties of plain data only: no prototype walk, no getters of our own objects.
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, part)) return undefined
    current = (current as Record<string, unknown>)[part]
  }
  return current
}

function renderString(text: string, values: Record<string, unknown>): unknown {
  const whole = wholePlaceholder.exec(text)
  if (whole?.[1]) return lookup(values, whole[1]) ?? null
  return text.replace(placeholder, (_, path: string) => {
    const value = lookup(values, path)
    if (value === undefined || value === null) return ''
    return typeof value === 'string' ? value : JSON.stringify(value)
  })
}

/** Parses a payload template; the error message says what is wrong, for config diagnostics. */
export function parseTemplate(text: string): { template: unknown } | { error: string } {
  try {
    return { template: JSON.parse(text) as unknown }
  } catch (error) {
    return { error: `must be JSON with {{ placeholders }} inside strings (${(error as Error).message})` }
  }
}
