import { normalizePrefix } from '../core/config/schema.ts'

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
