/**
 * Parses a message received from another instance. Only JSON objects are messages; anything
 * else (another program writing to the channel, a truncated payload) yields `undefined`.
 */
export function parseBusMessage(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}
