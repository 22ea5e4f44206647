/** The text two memories are compared by: lower case, single spaces, no trailing punctuation. */
function normalised(content: string): string {
  return content
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/[\s.!?;,]+$/u, '')
    .trim()
}

/**
 * Deterministic compaction of one scope's memories (oldest first): drops empty ones, exact
 * duplicates (after normalising case, spacing and trailing punctuation) and any memory whose
 * text is contained in another one kept. Keeps the order, and the later wording of a duplicate
 * (the newer memory wins).
 */
export function compactMemoryContents(contents: readonly string[]): string[] {
  const latest = new Map<string, string>()
  for (const content of contents) {
    const key = normalised(content)
    if (key === '') continue
    latest.delete(key)
    latest.set(key, content.trim())
  }
  const keys = [...latest.keys()]
  return keys
    .filter((key) => !keys.some((other) => other !== key && other.includes(key)))
    .map((key) => latest.get(key) as string)
}
