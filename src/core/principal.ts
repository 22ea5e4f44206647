import { type Scope, scopeAliases } from './scopes.ts'

/** The kinds of principal: how the caller was authenticated. */
export const principalKinds = ['api_key', 'jwt', 'custom', 'anonymous', 'user'] as const

/** Who is calling. Handlers, tools and records see this, never the credential itself. */
export interface Principal {
  /** Stable id, e.g. `key:ci`, `jwt:<sub>`, `user:alice`, `anonymous`. */
  id: string
  kind: (typeof principalKinds)[number]
  /** Granted scopes; `*` grants all. */
  scopes: readonly string[]
  /** A display name, when known (key name, JWT name/email). */
  name?: string | undefined
}

/** Whether a principal holds every required scope (or an alias of it, see `scopeAliases`). */
export function hasScopes(principal: Principal, required: readonly Scope[]): boolean {
  if (principal.scopes.includes('*')) return true
  return required.every(
    (scope) =>
      principal.scopes.includes(scope) ||
      (scopeAliases[scope]?.some((alias) => principal.scopes.includes(alias)) ?? false),
  )
}

/** The principal of an open gateway (`auth.mode: none`): everything is allowed. */
export const anonymousPrincipal: Principal = Object.freeze({
  id: 'anonymous',
  kind: 'anonymous',
  scopes: Object.freeze(['*']),
})
