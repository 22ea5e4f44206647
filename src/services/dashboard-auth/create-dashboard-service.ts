import { randomBytes } from 'node:crypto'
import type { GatewayConfig } from '../../core/config/schema.ts'
import { ConfigError, type ConfigIssue } from '../../core/errors.ts'
import type { Logger } from '../../core/logger.ts'
import type {
  DashboardSessionRecord,
  DashboardSessionStore,
} from '../../core/ports/dashboard-session-store.ts'
import type { LoginFailureStore } from '../../core/ports/login-failure-store.ts'
import type { SecretStore } from '../../core/ports/secret-store.ts'
import { createLoginThrottle, type LoginThrottle } from './create-login-throttle.ts'
import { createOidcLogin, type OidcIdentity, type OidcLogin } from './create-oidc-login.ts'
import { createPasswordLogin, type PasswordLogin } from './create-password-login.ts'

export type DashboardConfig = GatewayConfig['dashboard']

/** What a started dashboard holds: its logins, session store and the shared cookie-signing secret. */
export interface DashboardService {
  readonly config: DashboardConfig
  readonly sessions: DashboardSessionStore
  /** Signs the dashboard's cookies; stored in the database so every instance shares it. */
  readonly secret: string
  readonly passwords: PasswordLogin
  readonly throttle: LoginThrottle
  /** SSO, when `dashboard.auth.oauth2` is configured. */
  readonly oidc: OidcLogin | undefined
  /**
   * The role a stored session has under the current configuration, or `undefined` when the
   * login it came from no longer exists (so changing the config signs such sessions out).
   */
  roleOf(session: DashboardSessionRecord): 'user' | 'admin' | undefined
  /** SSO users are admins only when `admin_users` lists their email or subject. */
  isSsoAdmin(identity: Pick<OidcIdentity, 'email' | 'subject'>): boolean
}

export interface CreateDashboardServiceOptions {
  config: DashboardConfig
  sessions: DashboardSessionStore
  secrets: SecretStore
  loginFailures: LoginFailureStore
  /** Whether the stores are the in-memory fallbacks (persistence disabled). */
  inMemory: boolean
  logger: Logger
}

const secretName = 'dashboard.cookie_signing'

function validate(config: DashboardConfig): ConfigIssue[] {
  const auth = config.auth
  const issues: ConfigIssue[] = []
  const oauth = auth.oauth2
  const anyOauth =
    oauth.issuer !== undefined || oauth.clientId !== undefined || oauth.clientSecret !== undefined
  if (anyOauth && (!oauth.issuer || !oauth.clientId || !oauth.clientSecret)) {
    issues.push({
      keyPath: 'dashboard.auth.oauth2',
      message: 'SSO needs issuer, client_id and client_secret (a confidential client)',
    })
  }
  if (auth.username !== '' && auth.username === auth.adminUsername) {
    issues.push({
      keyPath: 'dashboard.auth.admin_username',
      message: 'the admin username must differ from the user username',
    })
  }
  const hasUser = auth.username !== '' && auth.password !== ''
  const hasAdmin = auth.adminUsername !== '' && auth.adminPassword !== ''
  if (auth.enabled && !hasUser && !hasAdmin && !anyOauth) {
    issues.push({
      keyPath: 'dashboard.auth',
      message:
        'the dashboard needs a login: username/password, admin_username/admin_password or oauth2 (or auth.enabled: false for a local machine)',
    })
  }
  if (auth.sessionCookieSameSite === 'none' && auth.sessionCookieSecure === false) {
    issues.push({
      keyPath: 'dashboard.auth.session_cookie_same_site',
      message: 'SameSite=None cookies must be Secure: browsers drop them otherwise',
    })
  }
  return issues
}

/** Checks the dashboard config, hashes its passwords and loads (or creates) the shared secret. */
export async function createDashboardService(
  options: CreateDashboardServiceOptions,
): Promise<DashboardService> {
  const { config, logger } = options
  const issues = validate(config)
  if (issues.length > 0) throw new ConfigError(issues)
  const auth = config.auth
  for (const [username, password, which] of [
    [auth.username, auth.password, 'username/password'],
    [auth.adminUsername, auth.adminPassword, 'admin_username/admin_password'],
  ] as const) {
    if ((username === '') !== (password === ''))
      logger.warn(`dashboard.auth.${which}: one of the pair is empty, so this login is off`)
  }
  if (!auth.enabled) {
    logger.warn('dashboard.auth.enabled is false: anyone who can reach the dashboard is an administrator')
  }
  if (options.inMemory) {
    logger.warn(
      'persistence is disabled: dashboard sign-ins and agent changes live in this process only; other instances do not see them',
    )
  }
  const secret = await options.secrets.getOrCreate(secretName, () => randomBytes(32).toString('base64url'))
  const adminUsers = new Set(auth.adminUsers.map((entry) => entry.trim().toLowerCase()))
  const passwords = await createPasswordLogin(auth)
  return {
    config,
    sessions: options.sessions,
    secret,
    passwords,
    throttle: createLoginThrottle(options.loginFailures, auth.loginFailureLimit),
    oidc: auth.oauth2.issuer ? createOidcLogin(auth.oauth2, logger) : undefined,
    roleOf(session) {
      if (session.authMethod === 'sso') {
        if (!auth.oauth2.issuer || !session.subject) return undefined
        return adminUsers.has(session.subject.toLowerCase()) ||
          (session.email !== null && adminUsers.has(session.email.toLowerCase()))
          ? 'admin'
          : 'user'
      }
      if (session.role === 'admin')
        return passwords.adminEnabled && session.username === auth.adminUsername ? 'admin' : undefined
      return passwords.userEnabled && session.username === auth.username ? 'user' : undefined
    },
    isSsoAdmin(identity) {
      return (
        adminUsers.has(identity.subject.toLowerCase()) ||
        (identity.email !== null && adminUsers.has(identity.email.toLowerCase()))
      )
    },
  }
}
