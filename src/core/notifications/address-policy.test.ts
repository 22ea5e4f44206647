import { describe, expect, it } from 'vitest'
import { createAddressPolicy, urlRefusal } from './address-policy.ts'

describe('the notification address policy', () => {
  const strict = createAddressPolicy([])

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.9.9.9', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'metadata'],
    ['100.64.0.1', 'shared'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['::ffff:127.0.0.1', 'IPv4-mapped'],
    ['::ffff:7f00:1', 'IPv4-mapped'],
    ['fe80::1', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
  ])('refuses %s (%s) and says how to allow it', (address, kind) => {
    const refusal = strict.refusal(address)
    expect(refusal).toContain(kind)
    expect(refusal).toContain('notifications.allowed_networks')
  })

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111'])(
    'allows the public %s',
    (address) => {
      expect(strict.refusal(address)).toBeUndefined()
    },
  )

  it('allows only what allowed_networks lists', () => {
    const policy = createAddressPolicy(['loopback', '10.1.0.0/16'])
    expect(policy.refusal('127.0.0.1')).toBeUndefined()
    expect(policy.refusal('::1')).toBeUndefined()
    expect(policy.refusal('10.1.2.3')).toBeUndefined()
    expect(policy.refusal('10.2.0.1')).toContain('private')
    expect(policy.refusal('169.254.169.254')).toContain('metadata')
  })

  it('refuses other schemes, credentials and metadata host names by form', () => {
    expect(urlRefusal('file:///etc/passwd')).toContain('scheme file')
    expect(urlRefusal('ftp://example.com/x')).toContain('scheme ftp')
    expect(urlRefusal('https://user:pw@example.com/')).toContain('credentials')
    expect(urlRefusal('http://metadata.google.internal/computeMetadata')).toContain('metadata host')
    expect(urlRefusal('not a url')).toContain('absolute URL')
    expect(urlRefusal('https://hooks.example.com/x?y=1')).toBeUndefined()
  })
})
