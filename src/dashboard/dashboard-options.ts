import type { GatewayConfigInput } from '../core/config/schema.ts'

/**
 * Options of `gw.useDashboard()`: the `dashboard` section of gateway.yaml, flattened the way
 * the reference API spells them. Every option is optional; unset ones keep their configured value.
 */
export interface DashboardOptions {
  /** @default 'agentgw' */
  title?: string
  /** @default 'AI control plane' */
  subtitle?: string
  /** A gateway path (`/brand/logo.svg`, gets the public prefix) or an absolute URL. */
  logoUrl?: string
  faviconUrl?: string
  /** @default 'auto' */
  theme?: 'light' | 'dark' | 'auto'
  /** CSS colours by name, e.g. `{ primary: '#0f766e' }` → `--agw-primary`. */
  colors?: Record<string, string>
  /** `false` makes every visitor an administrator (local machines only). @default true */
  authEnabled?: boolean
  /** User login; empty username or password turns it off. */
  authUsername?: string
  /** Plain text (hashed with argon2id at start) or an `$argon2id$…` PHC string. */
  authPassword?: string
  /** Admin login (the break-glass form beside SSO). */
  adminUsername?: string
  adminPassword?: string
  /** SSO users (email or subject) who are admins. */
  adminUsers?: string[]
  oauth2Issuer?: string
  oauth2ClientId?: string
  oauth2ClientSecret?: string
  /** @default ['openid', 'profile', 'email'] */
  oauth2Scopes?: string[]
  /** @default 'Sign in with SSO' */
  loginButtonText?: string
  /** @default 'agw_session' */
  sessionCookieName?: string
  /** @default 'lax' */
  sessionCookieSameSite?: 'lax' | 'strict' | 'none'
  /** `null`/unset: Secure whenever the request is secure (directly or via a trusted proxy). */
  sessionCookieSecure?: boolean | null
  sessionCookieDomain?: string | null
  /** @default 86400 */
  sessionMaxAgeSeconds?: number
}

function defined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>
}

/** `useDashboard()` options → the `dashboard` config section, with `enabled: true`. */
export function toDashboardConfig(options: DashboardOptions): NonNullable<GatewayConfigInput['dashboard']> {
  const oauth2 = defined({
    issuer: options.oauth2Issuer,
    clientId: options.oauth2ClientId,
    clientSecret: options.oauth2ClientSecret,
    scopes: options.oauth2Scopes,
  })
  return {
    enabled: true,
    ...defined({
      title: options.title,
      subtitle: options.subtitle,
      logoUrl: options.logoUrl,
      faviconUrl: options.faviconUrl,
    }),
    theme: defined({ mode: options.theme, colors: options.colors }),
    auth: {
      ...defined({
        enabled: options.authEnabled,
        username: options.authUsername,
        password: options.authPassword,
        adminUsername: options.adminUsername,
        adminPassword: options.adminPassword,
        adminUsers: options.adminUsers,
        loginButtonText: options.loginButtonText,
        sessionCookieName: options.sessionCookieName,
        sessionCookieSameSite: options.sessionCookieSameSite,
        sessionCookieSecure: options.sessionCookieSecure,
        sessionCookieDomain: options.sessionCookieDomain,
        sessionMaxAgeSeconds: options.sessionMaxAgeSeconds,
      }),
      ...(Object.keys(oauth2).length > 0 ? { oauth2 } : {}),
    },
  }
}
