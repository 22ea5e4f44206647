import { ConfigError } from '../errors.ts'

/** `""`, `/`, `ai`, `/ai/` → `""`, `""`, `/ai`, `/ai`. */
export function normalizePrefix(path: string): string {
  const trimmed = path.trim().replace(/^\/+|\/+$/g, '')
  return trimmed === '' ? '' : `/${trimmed}`
}

/**
 * Whether a path prefix is plain: no query or fragment, no whitespace, control characters or
 * backslashes (browsers read `/\evil.example` as another host), no empty (`//`) or dot
 * segments. Percent-encoded characters are fine (`/x%20y`).
 */
export function isPlainPrefix(value: string): boolean {
  return (
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
    !/[?#\s\\\u0000-\u001f\u007f]/.test(value) && !value.includes('//') && !/(^|\/)\.\.?(\/|$)/.test(value)
  )
}

/**
 * One path segment in the form paths are compared in: percent-decoded, so `x%20y`, `x y` and
 * `x%20%79` are the same segment whichever of them a host reports. A segment that does not
 * decode (a stray `%`) is compared as written.
 */
function segmentForm(segment: string): string {
  if (!segment.includes('%')) return segment
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

/**
 * Removes a mount prefix from a path on a `/` boundary: `/ai/v1` → `/v1`, `/ai` → `/`, but
 * `/aix/v1` is left alone. Returns `undefined` when the path is not under the prefix. Segments
 * are compared percent-decoded: Hono hands the gateway a decoded path (`/x y/v1`) while hosts
 * report the mount path as the client wrote it (`/x%20y`).
 */
export function stripMountPath(path: string, mountPath: string | undefined): string | undefined {
  const prefix = mountPath ? normalizePrefix(mountPath) : ''
  if (prefix === '') return path
  if (path === prefix) return '/'
  if (path.startsWith(`${prefix}/`)) return path.slice(prefix.length)
  const wanted = prefix.split('/')
  const segments = path.split('/')
  // Both start with the empty segment before the leading slash.
  if (segments.length < wanted.length) return undefined
  for (let index = 1; index < wanted.length; index++) {
    if (segmentForm(segments[index] as string) !== segmentForm(wanted[index] as string)) return undefined
  }
  const rest = segments.slice(wanted.length).join('/')
  return rest === '' ? '/' : `/${rest}`
}

/**
 * A prefix as Hono routes see paths: decoded like Hono's own `getPath` (`decodeURI`, which
 * leaves `%2F`, `%3F` and friends encoded, with `%25` kept too), so `route('/x y', …)`
 * matches a request for `/x%20y/…`. Registering the encoded form would never match.
 */
export function toRoutedPrefix(prefix: string): string {
  if (!prefix.includes('%')) return prefix
  try {
    return decodeURI(prefix.replaceAll('%25', '%2525'))
  } catch {
    return prefix
  }
}

/**
 * Normalizes the path a host mounts the gateway at (`ai`, `/ai/` → `/ai`). The root is refused:
 * mounting at `/` would make the gateway a catch-all on the host, which is what wiring the
 * gateway as the host's fallback handler is for, explicitly.
 */
export function normalizeMountPrefix(path: string, where: string): string {
  if (!isPlainPrefix(path)) {
    throw new ConfigError(
      `${where}: "${path}" is not a plain path prefix like /ai (no query, fragment, spaces, empty or dot segments)`,
    )
  }
  const prefix = normalizePrefix(path)
  if (prefix === '') {
    throw new ConfigError(
      `${where}: the mount path must not be empty or "/"; serve the gateway at the root as the host's fallback instead (see docs/mounting.md)`,
    )
  }
  return prefix
}

/** Like `normalizeMountPrefix`, but `""` and `/` (the root) are allowed. */
export function normalizeOptionalPrefix(path: string | undefined, where: string): string {
  if (path === undefined) return ''
  if (!isPlainPrefix(path)) {
    throw new ConfigError(`${where}: "${path}" is not a plain path prefix like /ai`)
  }
  return normalizePrefix(path)
}

function segmentCount(path: string): number {
  return path.split('/').filter((segment) => segment !== '').length
}

/**
 * The first segments of a raw request pathname, as many as `prefix` has: `/x/t%201/ai/v1` with
 * prefix `/x/t 1/ai` → `/x/t%201/ai`. Hosts report matched prefixes decoded or with route
 * parameters resolved; the gateway needs the prefix exactly as it appears in `request.url`.
 */
export function leadingSegments(pathname: string, prefix: string): string {
  const count = segmentCount(prefix)
  if (count === 0) return ''
  const segments = pathname.split('/')
  // segments[0] is the empty string before the leading slash.
  return segments.slice(0, count + 1).join('/')
}
