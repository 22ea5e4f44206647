/** JSON columns are text in both databases. */
export function toJson(value: unknown): string {
  return JSON.stringify(value ?? null)
}

export function fromJson<T>(text: string | null): T {
  return (text === null ? null : JSON.parse(text)) as T
}

/** Opaque paging cursors: `[created_at, id]` of the last row of a page. */
export function encodeCursor(parts: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url')
}

export function decodeCursor(cursor: string | undefined): [number, string] | undefined {
  if (!cursor) return undefined
  try {
    const parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown
    if (Array.isArray(parts) && typeof parts[0] === 'number' && typeof parts[1] === 'string')
      return [parts[0], parts[1]]
  } catch {
    // an invalid cursor is reported below
  }
  return undefined
}
