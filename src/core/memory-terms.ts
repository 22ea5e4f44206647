/**
 * The searchable words of a text for memory recall: lower-cased runs of letters and digits,
 * deduplicated, in order. Shared by the in-memory backend's ranking and the SQLite query builder.
 */
export function memoryTerms(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []
  return [...new Set(words)]
}
