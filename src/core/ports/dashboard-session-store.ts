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
  /** Epoch milliseconds. */
  createdAt: number
  /** Epoch milliseconds; the session is gone from this moment on. */
  expiresAt: number
}

/**
 * Dashboard sessions, shared by every instance of a gateway: a sign-in on one instance is valid
 * on all of them, and a sign-out (`delete`) takes effect everywhere at once — there is no cache
 * in front of the store. The caller passes `now`, so expiry follows one clock.
 */
export interface DashboardSessionStore {
  /** Stores a new session. `idHash` is unique: creating an existing one rejects and keeps the stored session. */
  create(record: DashboardSessionRecord): Promise<void>
  /**
   * The session, or `undefined` when it does not exist or has expired (`expiresAt <= now`).
   * The record is a copy: changing it does not change the store.
   */
  get(idHash: string, now: number): Promise<DashboardSessionRecord | undefined>
  /** Removes the session; idempotent (deleting a missing one is not an error). */
  delete(idHash: string): Promise<void>
  /**
   * Removes every session with `expiresAt <= now` and returns how many it removed. Safe to run
   * on several instances at once: each expired session is counted by one of them.
   */
  deleteExpired(now: number): Promise<number>
}
