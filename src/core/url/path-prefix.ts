import { ConfigError } from '../errors.ts'

/** `""`, `/`, `ai`, `/ai/` → `""`, `""`, `/ai`, `/ai`. */
export function normalizePrefix(path: string): string {
  const trimmed = path.trim().replace(/^\/+|\/+$/g, '')
  return trimmed === '' ? '' : `/${trimmed}`
}

/** Whether a path prefix is plain: no query, fragment, whitespace, empty or dot segments. */
export function isPlainPrefix(value: string): boolean {
  return !/[?#\s]/.test(value) && !value.includes('//') && !/(^|\/)\.\.?(\/|$)/.test(value)
}

/**
 * Removes a mount prefix from a path on a `/` boundary: `/ai/v1` → `/v1`, `/ai` → `/`, but
 * `/aix/v1` is left alone. Returns `undefined` when the path is not under the prefix.
 */
export function stripMountPath(path: string, mountPath: string | undefined): string | undefined {
  const prefix = mountPath ? normalizePrefix(mountPath) : ''
  if (prefix === '') return path
  if (path === prefix) return '/'
  if (path.startsWith(`${prefix}/`)) return path.slice(prefix.length)
  return undefined
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
