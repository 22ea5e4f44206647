/** Every scope a route can require. `*` grants all of them. */
export const scopes = [
  'agents:read',
  'agents:invoke',
  'agents:configure',
  'executions:read',
  'executions:read_all',
  'executions:cancel',
  'sessions:read',
  'sessions:manage',
  'schedules:read',
  'schedules:manage',
  'notifications:read',
  'notifications:write',
  'admin',
] as const

/** A permission a route may require and a credential may grant, e.g. `agents:invoke`. */
export type Scope = (typeof scopes)[number]
