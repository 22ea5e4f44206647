import { describe, expect, it } from 'vitest'
import { toTrailingSlashForm } from './trailing-slash.ts'

describe('toTrailingSlashForm', () => {
  it('leaves paths alone without a host rule, and the root always', () => {
    expect(toTrailingSlashForm('/ai/dashboard/', undefined)).toBe('/ai/dashboard/')
    expect(toTrailingSlashForm('/', 'never')).toBe('/')
    expect(toTrailingSlashForm('', 'always')).toBe('')
  })

  it('never: drops trailing slashes, before the query', () => {
    expect(toTrailingSlashForm('/ai/dashboard/', 'never')).toBe('/ai/dashboard')
    expect(toTrailingSlashForm('/ai/dashboard/?next=%2Fx%2F', 'never')).toBe('/ai/dashboard?next=%2Fx%2F')
    expect(toTrailingSlashForm('/ai/v1/agents', 'never')).toBe('/ai/v1/agents')
  })

  it('always: adds one to directories, not to files, before the query', () => {
    expect(toTrailingSlashForm('/ai/dashboard/login?next=%2F', 'always')).toBe(
      '/ai/dashboard/login/?next=%2F',
    )
    expect(toTrailingSlashForm('/ai/dashboard/', 'always')).toBe('/ai/dashboard/')
    expect(toTrailingSlashForm('/ai/dashboard/static/app.js', 'always')).toBe('/ai/dashboard/static/app.js')
    expect(toTrailingSlashForm('/ai/openapi.json', 'always')).toBe('/ai/openapi.json')
  })
})
