/**
 * How deeply a JSON request body may nest objects and arrays. Every layer that handles a body
 * after parsing — schema validation, cloning, `JSON.stringify` for storage — recurses, and a
 * ~10 KB body nested a few thousand levels overflows the stack; no agent input needs more.
 */
export const maxJsonDepth = 64

/**
 * Whether JSON text nests objects/arrays deeper than `limit`, judged on the text before any
 * parsing (brackets inside strings do not count). Malformed text is left to the parser.
 */
export function exceedsJsonDepth(text: string, limit: number = maxJsonDepth): boolean {
  let depth = 0
  let inString = false
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index)
    if (inString) {
      if (code === 0x5c)
        index++ // a backslash escapes the next character
      else if (code === 0x22) inString = false
    } else if (code === 0x22) {
      inString = true
    } else if (code === 0x7b || code === 0x5b) {
      depth++
      if (depth > limit) return true
    } else if (code === 0x7d || code === 0x5d) {
      depth--
    }
  }
  return false
}
