import { timingSafeEqual } from 'node:crypto'
import { hash, verify } from '@node-rs/argon2'
import type { GatewayConfig } from '../../core/config/schema.ts'

type DashboardAuthConfig = GatewayConfig['dashboard']['auth']

/** Checks username/password pairs against the configured user and admin logins. */
export interface PasswordLogin {
  /** Which logins are usable: a login with an empty username or password is off. */
  readonly userEnabled: boolean
  readonly adminEnabled: boolean
  /** The role these credentials sign in as, or `null`. An empty password never authenticates. */
  verify(username: string, password: string): Promise<'user' | 'admin' | null>
}

interface Credential {
  username: string
  phc: string
}

const phcPrefix = '$argon2'

/** Configured passwords are hashed once at start; PHC strings (`$argon2id$…`) are used as given. */
async function toCredential(username: string, password: string): Promise<Credential | undefined> {
  if (username === '' || password === '') return undefined
  return { username, phc: password.startsWith(phcPrefix) ? password : await hash(password) }
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

/**
 * Password login with argon2id. Every attempt costs one argon2 verification — against a dummy
 * hash when the username is unknown — so response times do not tell which usernames exist.
 */
export async function createPasswordLogin(config: DashboardAuthConfig): Promise<PasswordLogin> {
  const user = await toCredential(config.username, config.password)
  const admin = await toCredential(config.adminUsername, config.adminPassword)
  const dummy = await hash('agentgw-dashboard-dummy-password')
  return {
    userEnabled: user !== undefined,
    adminEnabled: admin !== undefined,
    async verify(username, password) {
      const candidates: [Credential | undefined, 'user' | 'admin'][] = [
        [admin, 'admin'],
        [user, 'user'],
      ]
      const match = candidates.find(([credential]) => credential && sameText(credential.username, username))
      const [credential, role] = match ?? [undefined, 'user' as const]
      let valid = false
      try {
        valid = await verify(credential?.phc ?? dummy, password === '' ? '\u0000' : password)
      } catch {
        valid = false
      }
      if (!credential || password === '' || !valid) return null
      return role
    },
  }
}
