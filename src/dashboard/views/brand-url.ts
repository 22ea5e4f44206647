import type { Context } from 'hono'
import type { GatewayEnv } from '../../http/gateway-env.ts'
import { url } from '../../http/url.ts'

/**
 * A branding URL as the browser needs it: gateway paths (`/brand/logo.svg`) get the public
 * prefix like every other link; absolute http(s) and data: URLs are used as configured.
 */
export function brandUrl(c: Context<GatewayEnv>, value: string): string {
  return value.startsWith('/') ? url(c, value) : value
}
