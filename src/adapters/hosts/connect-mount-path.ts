import type { IncomingMessage } from 'node:http'

/** A request as Connect and Express see it: they keep the unstripped URL in `originalUrl`. */
export interface ConnectRequest extends IncomingMessage {
  originalUrl?: string
}

function pathOf(target: string): string {
  const query = target.indexOf('?')
  return query === -1 ? target : target.slice(0, query)
}

/**
 * The prefix a Connect-style router stripped from `req.url` before calling us: `originalUrl`
 * minus `url` (`/a/b/v1/x` − `/v1/x` → `/a/b`). Nested routers strip in turn, so this is the
 * whole stack of mount paths. `""` when nothing was stripped or the two do not line up.
 */
export function connectMountPath(request: ConnectRequest): string {
  const original = request.originalUrl
  const current = request.url
  if (original === undefined || current === undefined || original === current) return ''
  const originalPath = pathOf(original)
  const currentPath = pathOf(current)
  if (currentPath === '/' && !originalPath.endsWith('/')) return originalPath
  if (!originalPath.endsWith(currentPath)) return ''
  const prefix = originalPath.slice(0, originalPath.length - currentPath.length)
  return prefix.endsWith('/') ? prefix.slice(0, -1) : prefix
}
