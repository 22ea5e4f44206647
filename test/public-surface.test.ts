import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  type ExportedName,
  formatSurface,
  listEntryExports,
  type PackageEntry,
  readPackageEntries,
} from './support/public-surface.ts'

const packageRoot = path.resolve(import.meta.dirname, '..')
const entries: PackageEntry[] = readPackageEntries(packageRoot)
let surface: Map<string, ExportedName[]>

beforeAll(() => {
  surface = listEntryExports(packageRoot, entries)
})

const isValue = (name: ExportedName) => /class|function|const|enum/.test(name.kind)

describe('the public surface', () => {
  it('matches the snapshot of every entry’s exports, values and types', async () => {
    // To accept an intended change: `npx vitest run test/public-surface.test.ts -u`, and review the diff.
    await expect(formatSurface(entries, surface)).toMatchFileSnapshot('./snapshots/public-surface.txt')
  })

  it('documents every exported name and every public member of an exported class', () => {
    const undocumented = entries.flatMap((entry) =>
      (surface.get(entry.specifier) ?? []).flatMap((name) => [
        ...(name.documented ? [] : [`${entry.specifier}: ${name.name}`]),
        ...name.members
          .filter((member) => !member.documented)
          .map((member) => `${entry.specifier}: ${name.name}.${member.name}`),
      ]),
    )
    expect(undocumented).toEqual([])
  })

  it('exports at run time exactly the values the type declarations promise', async () => {
    for (const entry of entries) {
      const loaded = (await import(entry.specifier)) as Record<string, unknown>
      const declared = (surface.get(entry.specifier) ?? []).filter(isValue).map((name) => name.name)
      expect({ entry: entry.specifier, values: Object.keys(loaded).sort() }).toEqual({
        entry: entry.specifier,
        values: declared.sort(),
      })
    }
  })

  it('points each entry’s types and default at the build of its source file', () => {
    for (const entry of entries) {
      const built = entry.source.replace(/^\.\/src\//, './dist/')
      expect(entry).toEqual({
        specifier: entry.specifier,
        source: expect.stringMatching(/^\.\/src\/.+\.ts$/),
        types: built.replace(/\.ts$/, '.d.ts'),
        default: built.replace(/\.ts$/, '.js'),
      })
    }
  })

  it('keeps expressHandler as a deprecated alias of toExpressHandler', async () => {
    const express = await import('agentgw/express')
    expect(express.expressHandler).toBe(express.toExpressHandler)
    const alias = surface.get('agentgw/express')?.find((name) => name.name === 'expressHandler')
    expect(alias?.deprecated).toBe(true)
  })

  it('leaks no host-adapter helpers', () => {
    const everything = [...surface.values()].flat().map((name) => name.name)
    for (const helper of [
      'mountToHono',
      'AnyHono',
      'ConsumedBodyError',
      'recoverConsumedBody',
      'connectMountPath',
    ])
      expect(everything).not.toContain(helper)
  })
})
