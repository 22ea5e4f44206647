import { timingSafeEqual } from 'node:crypto'
import type { Context } from 'hono'
import type { GatewayEnv } from '../http/gateway-env.ts'

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

/**
 * CSRF check for a state-changing dashboard request. The browser's own word is enough:
 * `Sec-Fetch-Site: same-origin`, or (for browsers without fetch metadata) an `Origin` equal to
 * the gateway's *public* origin. Anything else must carry the token tied to the session (or to
 * the double-submit cookie before sign-in), in `X-CSRF-Token` or the `_csrf` form field.
 */
export function checkCsrf(
  c: Context<GatewayEnv>,
  expectedToken: string | undefined,
  formToken: string | undefined,
): boolean {
  const site = c.req.header('sec-fetch-site')
  if (site === 'same-origin') return true
  const origin = c.req.header('origin')
  if (
    origin !== undefined &&
    (origin === c.var.origin.publicOrigin || origin === c.var.origin.trustedOrigin) &&
    site !== 'cross-site' &&
    site !== 'same-site'
  )
    return true
  const token = c.req.header('x-csrf-token') ?? formToken
  return (
    expectedToken !== undefined &&
    expectedToken !== '' &&
    token !== undefined &&
    sameToken(token, expectedToken)
  )
}
