import type { IncomingMessage } from 'node:http'
import { describe, expect, it } from 'vitest'
import { connectMountPath } from './connect-mount-path.ts'

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
