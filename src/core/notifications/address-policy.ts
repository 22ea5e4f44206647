import proxyAddr from 'proxy-addr'

/**
 * Which resolved addresses a notification may connect to. Private, loopback, link-local,
 * unique-local, cloud metadata, unspecified, multicast and IPv4-mapped IPv6 addresses are
 * refused unless an operator lists them in `notifications.allowed_networks` (IPs, CIDRs or the
 * names `loopback`, `linklocal`, `uniquelocal`). Checked after DNS resolution, on the address
 * actually connected to, so a public name pointing inside is refused too.
 */
export interface AddressPolicy {
  /** Why the address is refused, or `undefined` when it may be used. */
  refusal(address: string): string | undefined
}

const blockedV4: [number, number, string][] = [
  [0x00000000, 8, 'an unspecified address'],
  [0x0a000000, 8, 'a private address'],
  [0x64400000, 10, 'a shared (carrier-grade NAT) address'],
  [0x7f000000, 8, 'a loopback address'],
  [0xa9fe0000, 16, 'a link-local or cloud metadata address'],
  [0xac100000, 12, 'a private address'],
  [0xc0000000, 24, 'a reserved address'],
  [0xc0a80000, 16, 'a private address'],
  [0xc6120000, 15, 'a benchmarking address'],
  [0xe0000000, 4, 'a multicast address'],
  [0xf0000000, 4, 'a reserved address'],
]

function v4Number(address: string): number | undefined {
  const parts = address.split('.')
  if (parts.length !== 4) return undefined
  let value = 0
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined
    const octet = Number(part)
    if (octet > 255) return undefined
    value = value * 256 + octet
  }
  return value
}

function v4Refusal(address: string): string | undefined {
  const value = v4Number(address)
  if (value === undefined) return 'not an IP address'
  for (const [base, bits, reason] of blockedV4) {
    const size = 2 ** (32 - bits)
    if (value >= base && value < base + size) return reason
  }
  return undefined
}

function v6Refusal(address: string): string | undefined {
  const lower = address.toLowerCase().replace(/%.*$/, '')
  if (lower === '::' || lower === '::0') return 'an unspecified address'
  if (lower === '::1') return 'a loopback address'
  // IPv4-mapped and IPv4-compatible forms reach the IPv4 address inside: never allowed by shape.
  if (/^::(ffff:)?(0:)?\d+\.\d+\.\d+\.\d+$/.test(lower) || /^::ffff:[0-9a-f]{1,4}:[0-9a-f]{1,4}$/.test(lower))
    return 'an IPv4-mapped IPv6 address'
  const first = Number.parseInt(lower.split(':')[0] || '0', 16)
  if ((first & 0xffc0) === 0xfe80) return 'a link-local address'
  if ((first & 0xfe00) === 0xfc00) return 'a unique-local (private) address'
  if ((first & 0xff00) === 0xff00) return 'a multicast address'
  if (lower.startsWith('fd00:ec2::254')) return 'a cloud metadata address'
  if (lower.startsWith('64:ff9b:')) return 'a NAT64 address'
  return undefined
}

/** Builds the policy; `allowed` are IPs, CIDRs or `loopback`/`linklocal`/`uniquelocal`. */
export function createAddressPolicy(allowed: readonly string[]): AddressPolicy {
  const trusted = allowed.length > 0 ? proxyAddr.compile([...allowed]) : undefined
  return {
    refusal(address) {
      const reason = address.includes(':') ? v6Refusal(address) : v4Refusal(address)
      if (!reason) return undefined
      if (trusted?.(address, 0)) return undefined
      return `${address} is ${reason}; list it in notifications.allowed_networks to allow it`
    },
  }
}

/** Host names refused before resolution (they name metadata services on every cloud). */
const blockedHostNames = new Set(['metadata.google.internal', 'metadata', 'instance-data'])

/** Why a URL may not be a notification target by its form alone, or `undefined`. */
export function urlRefusal(url: string): string | undefined {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return 'not an absolute URL'
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    return `scheme ${parsed.protocol.replace(':', '')} is not allowed (only http and https)`
  if (parsed.username || parsed.password) return 'URLs with credentials are not allowed'
  if (blockedHostNames.has(parsed.hostname.toLowerCase())) return `${parsed.hostname} is a metadata host`
  return undefined
}
