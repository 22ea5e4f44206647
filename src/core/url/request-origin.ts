import parseForwarded from 'forwarded-parse'
import type { HostAllowlist } from './allowed-hosts.ts'
import { isPlainPrefix, normalizePrefix } from './path-prefix.ts'
import type { TrailingSlash } from './trailing-slash.ts'

/** Where a request came from, as the client's browser sees the gateway. */
export interface RequestOrigin {
  /** Public path prefix in front of gateway routes: `""` or `/x/y`. */
  rootPath: string
  /**
   * `scheme://host[:port]` as the client addressed it (its `Host`, or a trusted proxy's word).
   * For comparing with what the browser sends (`Origin`), never for building links: a client
   * chooses its own `Host` header.
   */
  publicOrigin: string
  /**
   * The origin absolute URLs are built from, when one is trustworthy: `server.public_url`;
   * else the request's host when `server.allowed_hosts` lists it; else (no list) a host a
   * trusted proxy forwarded. `undefined` otherwise — links then stay relative.
   */
  trustedOrigin: string | undefined
  /** The host's trailing-slash rule, which links follow (see `GatewayBindings.trailingSlash`). */
  trailingSlash?: TrailingSlash | undefined
  /** The client's address, after trusted proxies; `undefined` when unknown (in-process calls). */
  clientIp: string | undefined
  /** True when the client used https (directly or at a trusted TLS-terminating proxy). */
  secure: boolean
}

/** Decides whether a peer may set forwarded headers. */
export type TrustPredicate = (address: string) => boolean

export interface OriginInputs {
  /** The URL of the request as the server received it. */
  url: URL
  headers: Headers
  /** The TCP peer's address, when the host knows it. */
  peerAddress: string | undefined
  /** Prefix the host app mounted the gateway at (already normalized). */
  mountPath: string
  /** `server.root_path`: a prefix a proxy strips before forwarding. */
  configuredRootPath: string
  isTrusted: TrustPredicate
  /** True when every peer is trusted (`*`), including unknown ones. */
  trustAll: boolean
  /** `server.public_url` as an origin (`https://example.com`), when configured. */
  publicUrl?: string | undefined
  /** `server.allowed_hosts`, when configured. */
  allowedHosts?: HostAllowlist | undefined
  /** The host's trailing-slash rule, passed through to the origin. */
  trailingSlash?: TrailingSlash | undefined
  /** Told about a forwarded header from a trusted peer that was refused (a malformed prefix). */
  onRefusedHeader?: ((header: string, value: string) => void) | undefined
}

/** `::ffff:10.0.0.1` → `10.0.0.1`, `[::1]` → `::1`, `1.2.3.4:5678` → `1.2.3.4`. */
export function normalizeAddress(address: string): string {
  let value = address.trim().replace(/^"|"$/g, '')
  if (value.startsWith('['))
    value = value.slice(1, value.indexOf(']') === -1 ? undefined : value.indexOf(']'))
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(value)) value = value.slice(0, value.lastIndexOf(':'))
  if (value.toLowerCase().startsWith('::ffff:') && value.includes('.')) value = value.slice(7)
  return value
}

const hostPattern = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/

function splitList(value: string | null): string[] {
  if (!value) return []
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
}

/** Picks the entry the outermost trusted proxy wrote, when each proxy appends one entry. */
function pickTrusted<T>(values: readonly T[], trustedHops: number): T | undefined {
  if (values.length === 0) return undefined
  return values[Math.max(0, values.length - trustedHops)]
}

function toScheme(value: string | undefined): 'http' | 'https' | undefined {
  const lowered = value?.toLowerCase()
  if (lowered === 'https' || lowered === 'wss') return 'https'
  if (lowered === 'http' || lowered === 'ws') return 'http'
  return undefined
}

interface Hops {
  /** Addresses from the client towards us; the peer is last. */
  chain: string[]
  /** How many entries from the right were written by trusted peers. */
  trustedHops: number
  clientIp: string | undefined
}

function walkHops(forAddresses: string[], peer: string | undefined, inputs: OriginInputs): Hops {
  const chain = [...forAddresses.map(normalizeAddress), ...(peer ? [peer] : [])]
  let trustedHops = 0
  let index = chain.length - 1
  // Walk from our side towards the client while each hop is a trusted proxy.
  while (index >= 0) {
    const address = chain[index] as string
    const trusted = inputs.trustAll || inputs.isTrusted(address)
    if (!trusted || index === 0) break
    trustedHops++
    index--
  }
  return { chain, trustedHops, clientIp: chain[index] }
}

/**
 * Computes the request's public origin and prefix. Forwarded headers (`Forwarded`,
 * `X-Forwarded-Proto/Host/For/Prefix`) are read only when the TCP peer is trusted; otherwise
 * they are ignored entirely, so no client can change links, redirects or its own IP.
 */
export function computeRequestOrigin(inputs: OriginInputs): RequestOrigin {
  const peer = inputs.peerAddress ? normalizeAddress(inputs.peerAddress) : undefined
  const peerTrusted = inputs.trustAll || (peer !== undefined && inputs.isTrusted(peer))
  let scheme = toScheme(inputs.url.protocol.replace(':', '')) ?? 'http'
  let host = inputs.url.host
  let hostForwarded = false
  let rootPath = inputs.configuredRootPath
  let clientIp = peer

  if (peerTrusted) {
    const forwardedHeader = inputs.headers.get('forwarded')
    let elements: Record<string, string>[] = []
    if (forwardedHeader) {
      try {
        elements = parseForwarded(forwardedHeader)
      } catch {
        elements = []
      }
    }
    if (elements.length > 0) {
      const hops = walkHops(
        elements.map((element) => element.for ?? 'unknown'),
        peer,
        inputs,
      )
      const element = pickTrusted(elements, hops.trustedHops)
      scheme = toScheme(element?.proto) ?? scheme
      if (element?.host && hostPattern.test(element.host)) {
        host = element.host
        hostForwarded = true
      }
      clientIp = hops.clientIp
    } else {
      const hops = walkHops(splitList(inputs.headers.get('x-forwarded-for')), peer, inputs)
      clientIp = hops.clientIp
      const proxies = Math.max(1, hops.trustedHops)
      scheme = toScheme(pickTrusted(splitList(inputs.headers.get('x-forwarded-proto')), proxies)) ?? scheme
      const forwardedHost = pickTrusted(splitList(inputs.headers.get('x-forwarded-host')), proxies)
      if (forwardedHost && hostPattern.test(forwardedHost)) {
        const forwardedPort = inputs.headers.get('x-forwarded-port')?.trim()
        host =
          forwardedPort && /^\d{1,5}$/.test(forwardedPort) && !/:\d+$/.test(forwardedHost)
            ? `${forwardedHost}:${forwardedPort}`
            : forwardedHost
        hostForwarded = true
      }
    }
    const forwardedPrefix = pickTrusted(splitList(inputs.headers.get('x-forwarded-prefix')), 1)
    if (forwardedPrefix !== undefined) {
      // A path, nothing else: `/\evil.example` or `//evil.example` in a Location header sends
      // the browser to another host.
      if (forwardedPrefix.startsWith('/') && isPlainPrefix(forwardedPrefix))
        rootPath = normalizePrefix(forwardedPrefix)
      else inputs.onRefusedHeader?.('x-forwarded-prefix', forwardedPrefix)
    }
  }

  // Drop the default port so `https://example.com:443` and `https://example.com` agree.
  if ((scheme === 'https' && host.endsWith(':443')) || (scheme === 'http' && host.endsWith(':80'))) {
    host = host.slice(0, host.lastIndexOf(':'))
  }

  const publicOrigin = `${scheme}://${host}`
  let trustedOrigin: string | undefined
  if (inputs.publicUrl) trustedOrigin = inputs.publicUrl
  else if (inputs.allowedHosts) trustedOrigin = inputs.allowedHosts(host) ? publicOrigin : undefined
  else if (hostForwarded) trustedOrigin = publicOrigin
  return {
    rootPath: `${rootPath}${inputs.mountPath}`,
    publicOrigin,
    trustedOrigin,
    clientIp,
    secure: scheme === 'https',
    ...(inputs.trailingSlash ? { trailingSlash: inputs.trailingSlash } : {}),
  }
}
