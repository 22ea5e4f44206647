/**
 * The `host:port` of a service URL, for error messages. Connection URLs often carry a password,
 * so they are never logged or thrown whole.
 */
export function hostOfUrl(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return '(invalid URL)'
  }
}
