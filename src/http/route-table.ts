import type { Scope } from '../core/scopes.ts'

/** Which part of the product a route belongs to; security headers and auth differ per surface. */
export type Surface = 'api' | 'docs' | 'dashboard'

/**
 * What a route is, independent of where it is mounted. Auth, scopes and CSP are decided from
 * this identity — never from path strings — so a prefix change cannot unprotect a route.
 */
export interface RouteIdentity {
  /** Stable id, e.g. `agents.list`; `auth.public_routes` lists these. */
  id: string
  surface: Surface
  /** Scopes a caller needs (all of them); `[]` means any authenticated caller. */
  scopes: Scope[]
  /** Reachable without credentials (before `auth.public_routes` is applied). */
  public?: boolean
  /**
   * The shape of this route's error bodies: the gateway's envelope, OpenAI's
   * `{error: {message, type, param, code}}` for the OpenAI-compatible routes, or JSON-RPC
   * errors (`{jsonrpc, error: {code, message}, id}`) that the MCP transport answers itself for
   * protocol faults — the gateway's own refusals (authentication, limits) there still use the
   * envelope.
   * @default 'envelope'
   */
  errorFormat?: 'envelope' | 'openai' | 'jsonrpc'
}

/** A registered route: its identity plus where it answers. */
export interface RouteEntry extends RouteIdentity {
  method: string
  /** Hono-style path, e.g. `/v1/agents/:id`. */
  path: string
}

/** The gateway's routes with their identity, for auth decisions and for enumerating them. */
export interface RouteTable {
  add(entry: RouteEntry): void
  find(method: string, path: string): RouteEntry | undefined
  entries(): RouteEntry[]
}

/** `{id}` → `:id`. */
export function toHonoPath(openApiPath: string): string {
  return openApiPath.replace(/\{([^}]+)\}/g, ':$1')
}

export function createRouteTable(): RouteTable {
  const byKey = new Map<string, RouteEntry>()
  const ids = new Set<string>()
  return {
    add(entry) {
      const key = `${entry.method.toUpperCase()} ${entry.path}`
      if (byKey.has(key)) throw new Error(`route ${key} is registered twice`)
      if (ids.has(entry.id)) throw new Error(`route id ${entry.id} is used twice`)
      byKey.set(key, { ...entry, method: entry.method.toUpperCase() })
      ids.add(entry.id)
    },
    find(method, path) {
      const upper = method.toUpperCase()
      return byKey.get(`${upper} ${path}`) ?? (upper === 'HEAD' ? byKey.get(`GET ${path}`) : undefined)
    },
    entries: () => [...byKey.values()],
  }
}
