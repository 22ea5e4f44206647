import { describe, expect, it } from 'vitest'
import { ConfigError } from '../errors.ts'
import { leadingSegments, normalizeMountPrefix, normalizeOptionalPrefix } from './path-prefix.ts'

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
