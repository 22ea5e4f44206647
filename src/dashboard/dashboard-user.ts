import { createHash, randomBytes } from 'node:crypto'
import type { Context } from 'hono'
import { toViewer, type Viewer } from '../core/authorization.ts'
import type { DashboardSessionRecord } from '../core/ports/dashboard-session-store.ts'
import type { Principal } from '../core/principal.ts'
import type { GatewayEnv } from '../http/gateway-env.ts'
import type { DashboardService } from '../services/dashboard-auth/create-dashboard-service.ts'
import {
  clearDashboardCookie,
  dashboardCookieNames,
  readDashboardCookie,
  setDashboardCookie,
} from './dashboard-cookies.ts'

/** Who is using the dashboard in this request. */
export interface DashboardUser {
  /** Runs started from the dashboard record this principal as their owner. */
  principal: Principal
  /** The principal as it asks the services for executions and sessions. */
  viewer: Viewer
  role: 'user' | 'admin'
  displayName: string
  /** The CSRF token this user's forms and htmx requests send. */
  csrfToken: string
  /** The stored session (absent when `dashboard.auth.enabled` is false). */
  session: DashboardSessionRecord | undefined
}

/** A new sign-in, from a password form or SSO. */
export interface SignIn {
  principalId: string
  username: string
  displayName: string
  email: string | null
  subject: string | null
  authMethod: 'password' | 'sso'
  role: 'user' | 'admin'
}

const randomToken = () => randomBytes(32).toString('base64url')
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex')

export function toPrincipal(
  session: Pick<SignIn, 'principalId' | 'displayName'>,
  role: 'user' | 'admin',
): Principal {
  return {
    id: session.principalId,
    kind: 'user',
    // Admins see and may do everything; users may run agents and see their own runs.
    scopes: role === 'admin' ? ['*'] : ['agents:read', 'agents:invoke', 'executions:read', 'sessions:read'],
    name: session.displayName,
  }
}

/** The double-submit token used before sign-in (and everywhere when dashboard auth is off). */
export async function ensureCsrfCookie(c: Context<GatewayEnv>, dashboard: DashboardService): Promise<string> {
  const name = dashboardCookieNames(dashboard).csrf
  const existing = await readDashboardCookie(c, dashboard, name)
  if (existing) return existing
  const token = randomToken()
  await setDashboardCookie(c, dashboard, name, token)
  return token
}

/** The signed-in user of this request, from the session cookie and the session store. */
export async function readDashboardUser(
  c: Context<GatewayEnv>,
  dashboard: DashboardService,
): Promise<DashboardUser | undefined> {
  if (!dashboard.config.auth.enabled) {
    const principal: Principal = { id: 'anonymous', kind: 'anonymous', scopes: ['*'], name: 'Administrator' }
    return {
      principal,
      viewer: toViewer(principal),
      role: 'admin',
      displayName: 'Administrator',
      csrfToken: await ensureCsrfCookie(c, dashboard),
      session: undefined,
    }
  }
  const token = await readDashboardCookie(c, dashboard, dashboardCookieNames(dashboard).session)
  if (!token) return undefined
  const session = await dashboard.sessions.get(hashToken(token), Date.now())
  if (!session) return undefined
  const role = dashboard.roleOf(session)
  if (!role) return undefined
  const principal = toPrincipal(session, role)
  return {
    principal,
    viewer: toViewer(principal),
    role,
    displayName: session.displayName,
    csrfToken: session.csrfToken,
    session,
  }
}

/** Stores a new server-side session and sets its cookie. A fresh id every time: no session fixation. */
export async function startDashboardSession(
  c: Context<GatewayEnv>,
  dashboard: DashboardService,
  signIn: SignIn,
): Promise<void> {
  const cookieName = dashboardCookieNames(dashboard).session
  // Signing in again replaces the browser's previous session instead of leaving it valid.
  const previous = await readDashboardCookie(c, dashboard, cookieName)
  if (previous) await dashboard.sessions.delete(hashToken(previous)).catch(() => undefined)
  const token = randomToken()
  const now = Date.now()
  const maxAge = dashboard.config.auth.sessionMaxAgeSeconds
  await dashboard.sessions.create({
    ...signIn,
    idHash: hashToken(token),
    csrfToken: randomToken(),
    createdAt: now,
    expiresAt: now + maxAge * 1000,
  })
  await setDashboardCookie(c, dashboard, cookieName, token, { maxAge })
  // Now and then, sweep expired sessions; any instance may do it.
  if (Math.random() < 0.05) await dashboard.sessions.deleteExpired(now).catch(() => undefined)
}

/** Deletes the server-side session (every instance sees it gone) and clears the cookie. */
export async function endDashboardSession(
  c: Context<GatewayEnv>,
  dashboard: DashboardService,
  user: DashboardUser,
): Promise<void> {
  if (user.session) await dashboard.sessions.delete(user.session.idHash)
  clearDashboardCookie(c, dashboard, dashboardCookieNames(dashboard).session)
}
