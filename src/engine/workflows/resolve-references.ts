/** Outputs of finished steps: a value, or a list of `{output}` for a fan-out step. */
export type StepOutputs = Readonly<Record<string, unknown>>

const wholeReference = /^\$\.(input|steps)((?:\.[A-Za-z0-9_-]+|\[\d+\])*)$/
const embeddedReference = /\$\.(input|steps)((?:\.[A-Za-z0-9_-]+|\[\d+\])*)/g

function walkPath(root: unknown, path: string): unknown {
  let current = root
  for (const match of path.matchAll(/\.([A-Za-z0-9_-]+)|\[(\d+)\]/g)) {
    if (current === null || typeof current !== 'object') return undefined
    const key = match[1] ?? Number(match[2])
    current = (current as Record<string | number, unknown>)[key]
  }
  return current
}

export class WorkflowReferenceError extends Error {}

function lookup(scope: string, path: string, input: unknown, steps: StepOutputs): unknown {
  const value = walkPath(scope === 'input' ? input : steps, path)
  if (value === undefined) throw new WorkflowReferenceError(`$.${scope}${path} does not resolve to a value`)
  return value
}

/**
 * Replaces `$.input.<field>` and `$.steps.<name>.output` / `$.steps.<name>[<i>].output` (with
 * deeper paths) in a step's input. A string that is exactly one reference becomes the referenced
 * value with its type; references inside longer strings are interpolated as text.
 */
export function resolveReferences(value: unknown, input: unknown, steps: StepOutputs): unknown {
  if (typeof value === 'string') {
    const whole = wholeReference.exec(value)
    if (whole) return lookup(whole[1] as string, whole[2] ?? '', input, steps)
    if (!value.includes('$.')) return value
    return value.replace(embeddedReference, (_, scope: string, path: string) => {
      const found = lookup(scope, path, input, steps)
      return typeof found === 'string' ? found : JSON.stringify(found)
    })
  }
  if (Array.isArray(value)) return value.map((item) => resolveReferences(item, input, steps))
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, resolveReferences(item, input, steps)]),
    )
  }
  return value
}

/** The `$.input.<field>` names a workflow uses, to describe its tool's parameters. */
export function referencedInputFields(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    for (const match of value.matchAll(/\$\.input\.([A-Za-z0-9_-]+)/g)) into.add(match[1] as string)
  } else if (Array.isArray(value)) {
    for (const item of value) referencedInputFields(item, into)
  } else if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) referencedInputFields(item, into)
  }
  return into
}
