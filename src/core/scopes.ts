/** Every scope a route can require. `*` grants all of them. */
export const scopes = [
  'agents:read',
  'agents:invoke',
  'agents:configure',
  'executions:read',
  'executions:read_all',
  'executions:cancel',
  /** Decide tool calls waiting for approval, of any owner. */
  'executions:approve',
  'sessions:read',
  'sessions:manage',
  'schedules:read',
  'schedules:write',
  /** The agents-gateway name of `schedules:write`; still accepted. */
  'schedules:manage',
  'notifications:read',
  'notifications:write',
  'admin',
  'admin:mcp',
] as const

/** A permission a route may require and a credential may grant, e.g. `agents:invoke`. */
export type Scope = (typeof scopes)[number]

/**
 * Scopes a credential may hold in place of a required one: older names that keep working.
 * `schedules:manage` (agents-gateway's name) grants what `schedules:write` does.
 */
export const scopeAliases: Readonly<Partial<Record<Scope, readonly string[]>>> = {
  'schedules:write': ['schedules:manage'],
  // `admin` grants every narrower administrative scope.
  'admin:mcp': ['admin'],
}
