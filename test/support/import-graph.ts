import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import ts from 'typescript'

/** Every module of a source tree and what it imports: relative files resolved, packages by name. */
export interface ImportGraph {
  /** Module path (relative to the tree's root, `/`-separated) → its imports. */
  modules: Map<string, ModuleImports>
}

export interface ModuleImports {
  /** Other modules of the tree, as tree-relative paths. */
  files: string[]
  /** Packages by name (`hono`, `@hono/zod-openapi`, `node:fs`); subpaths are cut (`hono/cors` → `hono`). */
  packages: string[]
}

/**
 * A layer of the architecture: which modules belong to it, which layers it may import and which
 * packages. Rules are written as data so that the checker can be tested with made-up layers.
 */
export interface Layer {
  name: string
  /** Whether a tree-relative module path belongs to this layer; the first matching layer wins. */
  contains: (modulePath: string) => boolean
  /** Layers whose modules this layer may import (its own modules always). */
  mayImport: readonly string[]
  /** When set, the only packages this layer may import. */
  packagesAllowed?: (packageName: string) => boolean
  /** Packages this layer must not import. */
  packagesForbidden?: (packageName: string) => boolean
}

export interface Violation {
  kind: 'forbidden-import' | 'forbidden-package' | 'cycle' | 'unassigned'
  message: string
}

function packageName(specifier: string): string {
  if (specifier.startsWith('node:')) return specifier.split('/')[0] ?? specifier
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier)
}

/** Reads the imports of every `.ts` file under `root`, test files excluded. */
export function readImportGraph(root: string): ImportGraph {
  const modules = new Map<string, ModuleImports>()
  const walk = (directory: string) => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const full = path.join(directory, entry.name)
      if (entry.isDirectory()) walk(full)
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        // preProcessFile sees every form: `import type`, `export … from`, `import()`, `typeof import()`.
        const { importedFiles } = ts.preProcessFile(readFileSync(full, 'utf8'), true, true)
        const files: string[] = []
        const packages: string[] = []
        for (const { fileName } of importedFiles) {
          if (fileName.startsWith('.')) {
            files.push(
              path
                .relative(root, path.resolve(path.dirname(full), fileName))
                .split(path.sep)
                .join('/'),
            )
          } else {
            packages.push(packageName(fileName))
          }
        }
        modules.set(path.relative(root, full).split(path.sep).join('/'), { files, packages })
      }
    }
  }
  walk(root)
  return { modules }
}

/** Strongly connected components with more than one module, or a module importing itself. */
function findCycles(graph: ImportGraph): string[][] {
  let index = 0
  const indexes = new Map<string, number>()
  const lowLinks = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const cycles: string[][] = []
  const visit = (module: string) => {
    indexes.set(module, index)
    lowLinks.set(module, index)
    index++
    stack.push(module)
    onStack.add(module)
    for (const target of graph.modules.get(module)?.files ?? []) {
      if (!graph.modules.has(target)) continue
      if (!indexes.has(target)) {
        visit(target)
        lowLinks.set(module, Math.min(lowLinks.get(module) ?? 0, lowLinks.get(target) ?? 0))
      } else if (onStack.has(target)) {
        lowLinks.set(module, Math.min(lowLinks.get(module) ?? 0, indexes.get(target) ?? 0))
      }
    }
    if (lowLinks.get(module) === indexes.get(module)) {
      const component: string[] = []
      let member: string | undefined
      do {
        member = stack.pop()
        if (member === undefined) break
        onStack.delete(member)
        component.push(member)
      } while (member !== module)
      const selfImport = graph.modules.get(module)?.files.includes(module) ?? false
      if (component.length > 1 || selfImport) cycles.push(component.sort())
    }
  }
  for (const module of [...graph.modules.keys()].sort()) if (!indexes.has(module)) visit(module)
  return cycles
}

/** Every import that breaks the layer rules, every module no layer claims, and every cycle. */
export function checkImportRules(graph: ImportGraph, layers: readonly Layer[]): Violation[] {
  const layerOf = (module: string) => layers.find((layer) => layer.contains(module))
  const violations: Violation[] = []
  for (const [module, imports] of [...graph.modules].sort(([a], [b]) => a.localeCompare(b))) {
    const layer = layerOf(module)
    if (!layer) {
      violations.push({ kind: 'unassigned', message: `${module} belongs to no layer` })
      continue
    }
    for (const target of imports.files) {
      const targetLayer = layerOf(target)
      if (!targetLayer || targetLayer === layer || layer.mayImport.includes(targetLayer.name)) continue
      violations.push({
        kind: 'forbidden-import',
        message: `${module} (${layer.name}) imports ${target} (${targetLayer.name}); ${layer.name} may import ${layer.mayImport.join(', ') || 'nothing else'}`,
      })
    }
    for (const name of imports.packages) {
      const allowed = layer.packagesAllowed ? layer.packagesAllowed(name) : true
      if (!allowed || layer.packagesForbidden?.(name)) {
        violations.push({
          kind: 'forbidden-package',
          message: `${module} (${layer.name}) imports package ${name}`,
        })
      }
    }
  }
  for (const cycle of findCycles(graph)) {
    violations.push({ kind: 'cycle', message: `import cycle: ${cycle.join(' → ')}` })
  }
  return violations
}
