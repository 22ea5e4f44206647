import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { architectureLayers } from './support/architecture-layers.ts'
import { checkImportRules, type ImportGraph, type Layer, readImportGraph } from './support/import-graph.ts'

const sourceRoot = path.resolve(import.meta.dirname, '..', 'src')

function graphOf(modules: Record<string, { files?: string[]; packages?: string[] }>): ImportGraph {
  return {
    modules: new Map(
      Object.entries(modules).map(([module, imports]) => [
        module,
        { files: imports.files ?? [], packages: imports.packages ?? [] },
      ]),
    ),
  }
}

describe('the import rules', () => {
  const layers: Layer[] = [
    { name: 'inner', contains: (module) => module.startsWith('inner/'), mayImport: [] },
    { name: 'outer', contains: (module) => module.startsWith('outer/'), mayImport: ['inner'] },
  ]

  it('accept imports that point inward', () => {
    const graph = graphOf({ 'outer/a.ts': { files: ['inner/b.ts'] }, 'inner/b.ts': {} })
    expect(checkImportRules(graph, layers)).toEqual([])
  })

  it('report an import that points outward', () => {
    const graph = graphOf({ 'inner/b.ts': { files: ['outer/a.ts'] }, 'outer/a.ts': {} })
    expect(checkImportRules(graph, layers)).toEqual([
      expect.objectContaining({
        kind: 'forbidden-import',
        message: expect.stringContaining('inner/b.ts (inner) imports outer/a.ts (outer)'),
      }),
    ])
  })

  it('report a cycle inside one layer, type-only imports included', () => {
    // readImportGraph records `import type` like any import, so this is what a type cycle looks like.
    const graph = graphOf({
      'outer/a.ts': { files: ['outer/b.ts'] },
      'outer/b.ts': { files: ['outer/c.ts'] },
      'outer/c.ts': { files: ['outer/a.ts'] },
    })
    expect(checkImportRules(graph, layers)).toEqual([
      { kind: 'cycle', message: 'import cycle: outer/a.ts → outer/b.ts → outer/c.ts' },
    ])
  })

  it('report a forbidden package and a module that no layer claims', () => {
    const strict: Layer[] = [{ ...layers[0], packagesAllowed: (name) => name === 'zod' } as Layer]
    const graph = graphOf({ 'inner/a.ts': { packages: ['zod', 'node:fs'] }, 'elsewhere/x.ts': {} })
    expect(
      checkImportRules(graph, strict)
        .map((violation) => violation.kind)
        .sort(),
    ).toEqual(['forbidden-package', 'unassigned'])
  })

  it('see type-only, re-exported and dynamic imports in real files', () => {
    const graph = readImportGraph(path.join(sourceRoot, 'engine'))
    // run-agent.ts imports engine-dependencies.ts for a type only.
    expect(graph.modules.get('run-agent.ts')?.files).toContain('engine-dependencies.ts')
    expect(graph.modules.get('models/model-registry.ts')?.packages).toContain('@ai-sdk/openai')
  })
})

describe('src/', () => {
  it('keeps the dependency rule of ARCHITECTURE.md and has no import cycles', () => {
    const violations = checkImportRules(readImportGraph(sourceRoot), architectureLayers)
    expect(violations.map((violation) => violation.message)).toEqual([])
  })
})

describe('ARCHITECTURE.md', () => {
  const map = readFileSync(path.resolve(sourceRoot, '..', 'ARCHITECTURE.md'), 'utf8')

  it('states the same dependency rule as the one enforced', () => {
    const stated = new Map<string, string[]>()
    for (const line of map.split('\n')) {
      const cells = line.split('|').map((cell) => cell.trim())
      const [, layer, , mayImport] = cells
      if (!layer || mayImport === undefined || !architectureLayers.some((entry) => entry.name === layer))
        continue
      stated.set(layer, mayImport === '—' ? [] : mayImport.split(',').map((name) => name.trim()))
    }
    const enforced = new Map(architectureLayers.map((layer) => [layer.name, [...layer.mayImport]]))
    expect(Object.fromEntries(stated)).toEqual(Object.fromEntries(enforced))
  })

  it('describes every folder of src/', () => {
    const folders = readdirSync(sourceRoot, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `src/${entry.name}/`)
    expect(folders.filter((folder) => !map.includes(`\`${folder}\``))).toEqual([])
  })
})
