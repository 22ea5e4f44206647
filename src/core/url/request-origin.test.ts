import { describe, expect, it } from 'vitest'
import { compileAllowedHosts } from './allowed-hosts.ts'
import { compileTrust } from './compile-trust.ts'
import { computeRequestOrigin, type OriginInputs } from './request-origin.ts'

function origin(
  options: {
    url?: string
    headers?: Record<string, string>
    peer?: string
    mountPath?: string
    rootPath?: string
    trust?: string | string[]
    publicUrl?: string
    allowedHosts?: string[]
    refused?: string[]
  } = {},
) {
  const trust = compileTrust(options.trust ?? [])
  const inputs: OriginInputs = {
    url: new URL(options.url ?? 'http://127.0.0.1:8000/v1/health'),
    headers: new Headers(options.headers ?? {}),
    peerAddress: options.peer ?? '10.1.2.3',
    mountPath: options.mountPath ?? '',
    configuredRootPath: options.rootPath ?? '',
    isTrusted: trust.isTrusted,
    trustAll: trust.trustAll,
    publicUrl: options.publicUrl,
    allowedHosts: options.allowedHosts ? compileAllowedHosts(options.allowedHosts) : undefined,
    onRefusedHeader: (header, value) => options.refused?.push(`${header}: ${value}`),
  }
  return computeRequestOrigin(inputs)
}

const proxyHeaders = {
  'x-forwarded-proto': 'https',
  'x-forwarded-host': 'example.com',
  'x-forwarded-for': '203.0.113.9',
  'x-forwarded-prefix': '/public',
}

describe('computeRequestOrigin', () => {
  it('uses the request URL and peer when nothing is forwarded', () => {
    expect(origin()).toEqual({
      rootPath: '',
      publicOrigin: 'http://127.0.0.1:8000',
      clientIp: '10.1.2.3',
      secure: false,
    })
  })

  it('prefixes with the mount path and the configured root path', () => {
    expect(origin({ mountPath: '/ai' }).rootPath).toBe('/ai')
    expect(origin({ mountPath: '/a/b', rootPath: '/public' }).rootPath).toBe('/public/a/b')
  })

  it('ignores every forwarded header from an untrusted peer', () => {
    const result = origin({
      headers: { ...proxyHeaders, forwarded: 'for=1.1.1.1;proto=https;host=evil.example' },
      trust: '10.9.9.9',
    })
    expect(result).toEqual({
      rootPath: '',
      publicOrigin: 'http://127.0.0.1:8000',
      clientIp: '10.1.2.3',
      secure: false,
    })
  })

  it('honours X-Forwarded-* from a trusted peer', () => {
    const result = origin({ headers: proxyHeaders, trust: '10.1.2.3', mountPath: '/ai' })
    expect(result).toEqual({
      rootPath: '/public/ai',
      publicOrigin: 'https://example.com',
      trustedOrigin: 'https://example.com',
      clientIp: '203.0.113.9',
      secure: true,
    })
  })

  it('trusts peers by CIDR', () => {
    expect(origin({ headers: proxyHeaders, trust: '10.0.0.0/8' }).secure).toBe(true)
    expect(origin({ headers: proxyHeaders, trust: '192.168.0.0/16' }).secure).toBe(false)
  })

  it('trusts everyone with *, including in-process requests with no peer', () => {
    expect(origin({ headers: proxyHeaders, trust: '*', peer: '' }).publicOrigin).toBe('https://example.com')
  })

  it('keeps a forwarded port and drops default ports', () => {
    expect(
      origin({
        headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'example.com:8443' },
        trust: '*',
      }).publicOrigin,
    ).toBe('https://example.com:8443')
    expect(
      origin({ headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'example.com:443' }, trust: '*' })
        .publicOrigin,
    ).toBe('https://example.com')
    expect(
      origin({
        headers: {
          'x-forwarded-proto': 'https',
          'x-forwarded-host': 'example.com',
          'x-forwarded-port': '9443',
        },
        trust: '*',
      }).publicOrigin,
    ).toBe('https://example.com:9443')
  })

  it('refuses a forwarded host that is not a host', () => {
    const result = origin({
      headers: { 'x-forwarded-host': 'evil.example/path?x', 'x-forwarded-proto': 'javascript' },
      trust: '*',
    })
    expect(result.publicOrigin).toBe('http://127.0.0.1:8000')
  })

  it('refuses a forwarded prefix with dot segments or a scheme', () => {
    expect(origin({ headers: { 'x-forwarded-prefix': '/a/../b' }, trust: '*' }).rootPath).toBe('')
    expect(origin({ headers: { 'x-forwarded-prefix': 'https://evil' }, trust: '*' }).rootPath).toBe('')
  })

  it('lets a trusted X-Forwarded-Prefix replace the configured root path', () => {
    expect(
      origin({ headers: { 'x-forwarded-prefix': '/edge/' }, rootPath: '/public', trust: '*' }).rootPath,
    ).toBe('/edge')
  })

  it('reads RFC 7239 Forwarded from a trusted peer', () => {
    const result = origin({
      headers: { forwarded: 'for=198.51.100.7;proto=https;host="api.example.org"' },
      trust: '10.1.2.3',
    })
    expect(result).toMatchObject({
      publicOrigin: 'https://api.example.org',
      clientIp: '198.51.100.7',
      secure: true,
    })
  })

  it('reads IPv6 in Forwarded and in the peer address', () => {
    const result = origin({
      headers: { forwarded: 'for="[2001:db8:cafe::17]:4711";proto=https;host=v6.example' },
      peer: '::ffff:10.1.2.3',
      trust: '10.1.2.3',
    })
    expect(result).toMatchObject({ clientIp: '2001:db8:cafe::17', publicOrigin: 'https://v6.example' })
    expect(
      origin({ peer: '::1', trust: '::1', headers: { 'x-forwarded-for': '2001:db8::1' } }).clientIp,
    ).toBe('2001:db8::1')
    expect(origin({ peer: '::1', trust: 'loopback', headers: { 'x-forwarded-proto': 'https' } }).secure).toBe(
      true,
    )
  })

  it('walks X-Forwarded-For from the right and stops at the first untrusted hop', () => {
    const result = origin({
      headers: { 'x-forwarded-for': '6.6.6.6, 203.0.113.9, 10.0.0.5' },
      peer: '10.0.0.1',
      trust: '10.0.0.0/8',
    })
    expect(result.clientIp).toBe('203.0.113.9')
  })

  it('reads the scheme the outermost trusted proxy saw when each proxy appends', () => {
    const result = origin({
      headers: { 'x-forwarded-for': '203.0.113.9, 10.0.0.5', 'x-forwarded-proto': 'https, http' },
      peer: '10.0.0.1',
      trust: '10.0.0.0/8',
    })
    expect(result).toMatchObject({ clientIp: '203.0.113.9', secure: true })
  })

  it('cannot be spoofed by a client prepending entries behind one trusted proxy', () => {
    const result = origin({
      headers: { 'x-forwarded-for': '1.1.1.1, 203.0.113.9', forwarded: '' },
      peer: '10.0.0.1',
      trust: '10.0.0.1',
    })
    expect(result.clientIp).toBe('203.0.113.9')
  })
})

describe('the origin of absolute URLs', () => {
  it("never comes from the client's own Host header without configuration", () => {
    const result = origin({ url: 'http://evil.example/openapi.json' })
    expect(result).toMatchObject({ publicOrigin: 'http://evil.example', trustedOrigin: undefined })
  })

  it('is server.public_url whatever the request says', () => {
    const result = origin({
      url: 'http://evil.example/x',
      headers: proxyHeaders,
      trust: '*',
      publicUrl: 'https://agents.example.com',
    })
    expect(result.trustedOrigin).toBe('https://agents.example.com')
  })

  it('is the request host only when server.allowed_hosts lists it', () => {
    const allowedHosts = ['gateway.example', '*.corp.example', 'pinned.example:8443']
    const at = (url: string) => origin({ url, allowedHosts }).trustedOrigin
    expect(at('http://gateway.example:8000/x')).toBe('http://gateway.example:8000')
    expect(at('http://GATEWAY.example/x')).toBe('http://gateway.example')
    expect(at('http://eu.corp.example/x')).toBe('http://eu.corp.example')
    expect(at('http://corp.example/x')).toBeUndefined()
    expect(at('http://pinned.example:8443/x')).toBe('http://pinned.example:8443')
    expect(at('http://pinned.example:9000/x')).toBeUndefined()
    expect(at('http://evil.example/x')).toBeUndefined()
    // A trusted proxy's forwarded host must be listed too.
    expect(origin({ headers: proxyHeaders, trust: '*', allowedHosts }).trustedOrigin).toBeUndefined()
  })

  it("is a trusted proxy's forwarded host when no list is configured", () => {
    expect(origin({ headers: proxyHeaders, trust: '*' }).trustedOrigin).toBe('https://example.com')
    expect(origin({ headers: proxyHeaders, trust: '10.9.9.9' }).trustedOrigin).toBeUndefined()
    // Trusted, but the proxy named no host: the Host header is still the client's.
    expect(origin({ headers: { 'x-forwarded-proto': 'https' }, trust: '*' }).trustedOrigin).toBeUndefined()
  })
})

describe('forwarded prefixes', () => {
  it.each([
    '/\\evil.example',
    '//evil.example',
    '/a//b',
    'https://evil.example',
    'evil.example',
    '/a/../b',
    '/a/./b',
    '/a\tb',
    '/a\u0001b',
    '/a?b',
  ])('refuses %j from a trusted proxy and says so', (value) => {
    const refused: string[] = []
    const result = origin({
      headers: { 'x-forwarded-prefix': value },
      trust: '*',
      rootPath: '/kept',
      refused,
    })
    expect(result.rootPath).toBe('/kept')
    expect(refused).toEqual([`x-forwarded-prefix: ${value}`])
  })

  it('accepts plain and percent-encoded paths', () => {
    expect(origin({ headers: { 'x-forwarded-prefix': '/edge/x%20y' }, trust: '*' }).rootPath).toBe(
      '/edge/x%20y',
    )
  })
})

describe('compileTrust', () => {
  it('refuses an invalid entry at start-up', () => {
    expect(() => compileTrust('not-an-ip')).toThrow(/forwarded_allow_ips/)
  })
  it('accepts comma-separated strings', () => {
    const trust = compileTrust('127.0.0.1, 10.0.0.0/8')
    expect(trust.isTrusted('10.4.4.4')).toBe(true)
    expect(trust.isTrusted('11.4.4.4')).toBe(false)
  })
})
