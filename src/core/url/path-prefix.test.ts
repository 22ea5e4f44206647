import { describe, expect, it } from 'vitest'
import { ConfigError } from '../errors.ts'
import {
  leadingSegments,
  normalizeMountPrefix,
  normalizeOptionalPrefix,
  stripMountPath,
  toRoutedPrefix,
} from './path-prefix.ts'

describe('normalizeMountPrefix', () => {
  it.each([
    ['ai', '/ai'],
    ['/ai/', '/ai'],
    ['/a/b', '/a/b'],
    ['a/b/', '/a/b'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeMountPrefix(input, 'test')).toBe(expected)
  })

  it.each(['', '/', ' ', '/ai?x', '/ai#x', '/a//b', '/a/../b', '/./a', '/a\\b', '/a b'])(
    'refuses %j',
    (input) => {
      expect(() => normalizeMountPrefix(input, 'test')).toThrow(ConfigError)
    },
  )

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

describe('stripMountPath', () => {
  it('strips on a segment boundary only', () => {
    expect(stripMountPath('/ai/v1/health', '/ai')).toBe('/v1/health')
    expect(stripMountPath('/ai', '/ai')).toBe('/')
    expect(stripMountPath('/aix/v1', '/ai')).toBeUndefined()
    expect(stripMountPath('/v1', '')).toBe('/v1')
  })

  it('compares encoded and decoded spellings of a segment as one', () => {
    expect(stripMountPath('/x y/v1/health', '/x%20y')).toBe('/v1/health')
    expect(stripMountPath('/x%20y/v1/health', '/x y')).toBe('/v1/health')
    expect(stripMountPath('/caf\u00e9/v1', '/caf%C3%A9')).toBe('/v1')
    expect(stripMountPath('/x%2fy/v1', '/x%2Fy')).toBe('/v1')
    // An encoded slash is one segment, never two.
    expect(stripMountPath('/x/y/v1', '/x%2Fy')).toBeUndefined()
    expect(stripMountPath('/x%20z/v1', '/x%20y')).toBeUndefined()
  })
})

describe('toRoutedPrefix', () => {
  it('decodes like Hono does, keeping reserved characters and %25 encoded', () => {
    expect(toRoutedPrefix('/x%20y')).toBe('/x y')
    expect(toRoutedPrefix('/a%2Fb')).toBe('/a%2Fb')
    expect(toRoutedPrefix('/100%25')).toBe('/100%25')
    expect(toRoutedPrefix('/ai')).toBe('/ai')
  })
})
