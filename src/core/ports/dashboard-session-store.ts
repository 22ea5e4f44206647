/** A signed-in dashboard user's session, kept server-side so it can be revoked and seen by every instance. */
export interface DashboardSessionRecord {
  /** SHA-256 (hex) of the random token in the cookie; the token itself is never stored. */
  idHash: string
  /** Whose runs this session starts: `user:<name>` (password) or `sso:<subject>` (SSO). */
  principalId: string
  username: string
  displayName: string
  email: string | null
  subject: string | null
  authMethod: 'password' | 'sso'
  role: 'user' | 'admin'
  /** The CSRF token forms and htmx requests of this session send. */
  csrfToken: string
  createdAt: number
  expiresAt: number
}

/** Dashboard sessions: SQL in the gateway's database, or in memory when persistence is off. */
export interface DashboardSessionStore {
  create(record: DashboardSessionRecord): Promise<void>
  /** The session, or `undefined` when it does not exist or has expired at `now`. */
  get(idHash: string, now: number): Promise<DashboardSessionRecord | undefined>
  delete(idHash: string): Promise<void>
  /** Removes expired sessions; returns how many. */
  deleteExpired(now: number): Promise<number>
}
