import { ConfigError } from '../errors.ts'
import { compileTrust } from '../url/compile-trust.ts'
import type { GatewayConfigInput } from './schema.ts'

/** Options of `gw.useProxyHeaders()`. */
export interface ProxyHeadersOptions {
  /**
   * Peers whose `X-Forwarded-*` and `Forwarded` headers are believed: IPs, CIDRs,
   * `loopback`/`linklocal`/`uniquelocal`, comma-separated or as a list. `*` trusts everyone —
   * only safe when the proxy is the only way in.
   *
   * @example '10.0.0.0/8'
   * @example ['127.0.0.1', '::1']
   */
  forwardedAllowIps: string | readonly string[]
}

/**
 * The configuration `useProxyHeaders()` merges: `proxy.forwarded_allow_ips`. Entries are
 * checked now, so a typo fails where it was written rather than at start-up.
 */
export function proxyHeadersConfig(options: ProxyHeadersOptions): GatewayConfigInput {
  const value = options.forwardedAllowIps
  try {
    compileTrust(value)
  } catch (error) {
    const reason = ConfigError.isInstance(error) ? (error.issues[0]?.message ?? error.message) : String(error)
    throw new ConfigError({ keyPath: 'useProxyHeaders().forwardedAllowIps', message: reason })
  }
  return { proxy: { forwardedAllowIps: typeof value === 'string' ? value : [...value] } }
}
