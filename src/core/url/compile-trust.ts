import proxyAddr from 'proxy-addr'
import { ConfigError } from '../errors.ts'
import { normalizeAddress, type TrustPredicate } from './request-origin.ts'

export interface CompiledTrust {
  isTrusted: TrustPredicate
  trustAll: boolean
  /** The allowlist as configured, for logs. */
  entries: string[]
}

/**
 * Compiles `proxy.forwarded_allow_ips` (IPs, CIDRs, `loopback`/`linklocal`/`uniquelocal`, or `*`,
 * comma-separated or a list) into a predicate. An invalid entry is a start-up `ConfigError`.
 */
export function compileTrust(value: string | readonly string[]): CompiledTrust {
  const entries = (typeof value === 'string' ? value.split(',') : [...value])
    .map((entry) => entry.trim())
    .filter(Boolean)
  if (entries.includes('*')) return { isTrusted: () => true, trustAll: true, entries }
  if (entries.length === 0) return { isTrusted: () => false, trustAll: false, entries }
  let predicate: (address: string, index: number) => boolean
  try {
    predicate = proxyAddr.compile(entries)
  } catch (error) {
    throw new ConfigError({
      file: 'gateway.yaml',
      keyPath: 'proxy.forwarded_allow_ips',
      message: (error as Error).message,
    })
  }
  return {
    isTrusted: (address) => {
      try {
        return predicate(normalizeAddress(address), 0)
      } catch {
        return false
      }
    },
    trustAll: false,
    entries,
  }
}
