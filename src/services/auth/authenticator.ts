import type { Principal } from '../../core/principal.ts'

/** The result of looking at a request's credentials. */
export type AuthOutcome =
  | { kind: 'authenticated'; principal: Principal }
  /** No credentials this authenticator understands. */
  | { kind: 'missing' }
  /** Credentials were sent but are not valid; `reason` is for logs only. */
  | { kind: 'invalid'; reason: string }

/** Turns a request's credentials into a principal. */
export interface Authenticator {
  authenticate(request: Request): Promise<AuthOutcome>
}

/** The bearer token of a request (`Authorization: Bearer …`), if any. */
export function bearerToken(request: Request): string | undefined {
  const header = request.headers.get('authorization')
  if (!header) return undefined
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return match?.[1]
}
