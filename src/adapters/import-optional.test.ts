import { describe, expect, it } from 'vitest'
import { ConfigError } from '../core/errors.ts'
import { importOptional } from './import-optional.ts'

describe('importOptional', () => {
  it('turns a missing optional package into a ConfigError naming the package to install', async () => {
    // A variable specifier, so the type checker does not look for the package.
    const specifier = 'agentgw-package-that-does-not-exist'
    const loading = importOptional(() => import(specifier), specifier, 'queue.backend')
    await expect(loading).rejects.toBeInstanceOf(ConfigError)
    await expect(loading).rejects.toThrow(`queue.backend: this backend needs the npm package "${specifier}"`)
    await expect(loading).rejects.toThrow(`npm install ${specifier}`)
  })

  it('lets any other loading error through unchanged', async () => {
    const failure = new Error('the module threw while loading')
    await expect(importOptional(() => Promise.reject(failure), 'pg', 'persistence.url')).rejects.toBe(failure)
  })

  it('returns the module when it loads', async () => {
    const module = await importOptional(() => import('node:path'), 'node:path', 'x')
    expect(typeof module.join).toBe('function')
  })
})
