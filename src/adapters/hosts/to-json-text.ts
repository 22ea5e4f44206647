type Frame =
  | { kind: 'array'; items: readonly unknown[]; index: number }
  | { kind: 'object'; entries: [string, unknown][]; index: number }

function isSkipped(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol'
}

/** `JSON.stringify` for plain JSON data, with an explicit stack instead of recursion. */
function stringifyWithoutRecursion(root: unknown): string {
  const out: string[] = []
  const stack: Frame[] = []
  let value: unknown = root
  let pending = true
  while (true) {
    if (pending) {
      pending = false
      if (Array.isArray(value)) {
        out.push('[')
        stack.push({ kind: 'array', items: value, index: 0 })
      } else if (value !== null && typeof value === 'object' && !('toJSON' in value)) {
        out.push('{')
        const entries = Object.entries(value).filter(([, entry]) => !isSkipped(entry))
        stack.push({ kind: 'object', entries, index: 0 })
      } else {
        // Primitives, and objects with their own toJSON (Date), serialize without depth.
        out.push(JSON.stringify(value) ?? 'null')
      }
    }
    const frame = stack.at(-1)
    if (!frame) break
    if (frame.kind === 'array') {
      if (frame.index < frame.items.length) {
        if (frame.index > 0) out.push(',')
        value = frame.items[frame.index++]
        pending = true
      } else {
        out.push(']')
        stack.pop()
      }
    } else if (frame.index < frame.entries.length) {
      const [key, entry] = frame.entries[frame.index] as [string, unknown]
      out.push(frame.index > 0 ? ',' : '', JSON.stringify(key), ':')
      frame.index++
      value = entry
      pending = true
    } else {
      out.push('}')
      stack.pop()
    }
  }
  return out.join('')
}

/**
 * JSON text of a body a host parser already parsed. `JSON.stringify` recurses and overflows
 * the stack on input nested a few thousand levels (a ~10 KB body); such a body is then written
 * without recursion, so the gateway's own depth limit can refuse it with its error envelope
 * instead of the host answering 500.
 */
export function toJsonText(value: unknown): string {
  try {
    return JSON.stringify(value)
  } catch (error) {
    if (!(error instanceof RangeError)) throw error
  }
  return stringifyWithoutRecursion(value)
}
