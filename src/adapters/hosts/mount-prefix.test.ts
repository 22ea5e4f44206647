import type { IncomingMessage } from 'node:http'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../core/errors.ts'
import { connectMountPath } from './connect-mount-path.ts'
import { leadingSegments, normalizeMountPrefix, normalizeOptionalPrefix } from './mount-prefix.ts'

describe('normalizeMountPrefix', () => {
  it.each([
    ['ai', '/ai'],
    ['/ai/', '/ai'],
    ['/a/b', '/a/b'],
    ['a/b/', '/a/b'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeMountPrefix(input, 'test')).toBe(expected)
  })

  it.each(['', '/', ' ', '/ai?x', '/ai#x', '/a//b', '/a/../b', '/./a'])('refuses %j', (input) => {
    expect(() => normalizeMountPrefix(input, 'test')).toThrow(ConfigError)
  })

  it('allows the root where a host serves the gateway there on purpose', () => {
    expect(normalizeOptionalPrefix('/', 'test')).toBe('')
    expect(normalizeOptionalPrefix(undefined, 'test')).toBe('')
  })
})

describe('leadingSegments', () => {
  it('takes as many raw segments as the matched prefix has', () => {
    expect(leadingSegments('/x/t%201/ai/v1/health', '/x/t 1/ai')).toBe('/x/t%201/ai')
    expect(leadingSegments('/ai', '/ai')).toBe('/ai')
    expect(leadingSegments('/v1/health', '/')).toBe('')
    expect(leadingSegments('/v1/health', '')).toBe('')
  })
})

describe('connectMountPath', () => {
  const request = (originalUrl: string | undefined, url: string) =>
    ({ originalUrl, url }) as IncomingMessage & { originalUrl?: string }

  it.each([
    ['/ai/v1/health?x=1', '/v1/health?x=1', '/ai'],
    ['/a/b/v1/health', '/v1/health', '/a/b'],
    ['/ai', '/', '/ai'],
    ['/ai/', '/', '/ai'],
    ['/v1/health', '/v1/health', ''],
    [undefined, '/v1/health', ''],
    ['/elsewhere', '/v1/health', ''],
  ])('originalUrl %j, url %j → %j', (originalUrl, url, expected) => {
    expect(connectMountPath(request(originalUrl, url))).toBe(expected)
  })
})
