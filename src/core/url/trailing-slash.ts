/**
 * A host's trailing-slash rule, when it redirects every path to one form before the gateway
 * sees it (Next.js `trailingSlash`): `never` — `/x/` → `/x`; `always` — `/x` → `/x/` for
 * paths whose last segment has no dot (files keep theirs).
 */
export type TrailingSlash = 'always' | 'never'

/**
 * A path (query and fragment allowed) in the host's form, so the links the gateway builds are
 * never redirected — a redirected POST or `fetch(…, { redirect: 'error' })` would fail, and a
 * gateway that redirected back to its own form would loop. The root (`""`, `/`) is left alone.
 */
export function toTrailingSlashForm(target: string, rule: TrailingSlash | undefined): string {
  if (!rule) return target
  const cut = target.search(/[?#]/)
  const path = cut === -1 ? target : target.slice(0, cut)
  const tail = cut === -1 ? '' : target.slice(cut)
  if (path === '' || path === '/') return target
  if (rule === 'never') return path.endsWith('/') ? `${path.replace(/\/+$/, '')}${tail}` : target
  if (path.endsWith('/') || path.slice(path.lastIndexOf('/') + 1).includes('.')) return target
  return `${path}/${tail}`
}
