import { readFileSync } from 'node:fs'
import path from 'node:path'
import ts from 'typescript'

/** One subpath of package.json `exports`, with the files each condition points at. */
export interface PackageEntry {
  /** `agentgw`, `agentgw/node`… */
  specifier: string
  /** The `agentgw-source` file, relative to the package root. */
  source: string
  types: string
  default: string
}

/** One exported name of an entry, as users see it. */
export interface ExportedName {
  name: string
  /** `class`, `function`, `const`, `interface`, `type`, `enum` — several for merged declarations. */
  kind: string
  /** Has a JSDoc comment (text or tags). */
  documented: boolean
  deprecated: boolean
  /** Public members declared by an exported class (static ones prefixed `static `), `@internal` ones left out. */
  members: { name: string; documented: boolean }[]
}

/** The entries of package.json `exports`, in the order they are declared. */
export function readPackageEntries(packageRoot: string): PackageEntry[] {
  const manifest = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as {
    name: string
    exports: Record<string, Record<string, string>>
  }
  return Object.entries(manifest.exports).map(([subpath, conditions]) => ({
    specifier: subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`,
    source: conditions['agentgw-source'] ?? '',
    types: conditions.types ?? '',
    default: conditions.default ?? '',
  }))
}

function kindsOf(symbol: ts.Symbol): string[] {
  const kinds: string[] = []
  const { flags } = symbol
  if (flags & ts.SymbolFlags.Class) kinds.push('class')
  if (flags & ts.SymbolFlags.Function) kinds.push('function')
  if (flags & ts.SymbolFlags.Variable) kinds.push('const')
  if (flags & ts.SymbolFlags.Enum) kinds.push('enum')
  if (flags & ts.SymbolFlags.Interface) kinds.push('interface')
  if (flags & ts.SymbolFlags.TypeAlias) kinds.push('type')
  return kinds
}

function isDocumented(symbol: ts.Symbol, checker: ts.TypeChecker): boolean {
  return symbol.getDocumentationComment(checker).length > 0 || symbol.getJsDocTags(checker).length > 0
}

function hasTag(symbol: ts.Symbol, checker: ts.TypeChecker, tag: string): boolean {
  return symbol.getJsDocTags(checker).some((entry) => entry.name === tag)
}

/** Members a class declares itself (not inherited), without `#private`, `private` or symbol-keyed ones. */
function classMembers(symbol: ts.Symbol, checker: ts.TypeChecker): ExportedName['members'] {
  const declaration = symbol.declarations?.find(ts.isClassDeclaration)
  if (!declaration) return []
  const ownedByClass = (member: ts.Symbol) =>
    member.declarations?.some((node) => node.parent === declaration) === true
  const isPublic = (member: ts.Symbol) =>
    !member.name.startsWith('__') &&
    !member.declarations?.some(
      (node) =>
        (ts.getCombinedModifierFlags(node) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) !== 0 ||
        (ts.isPropertyDeclaration(node) && ts.isPrivateIdentifier(node.name)) ||
        (ts.isMethodDeclaration(node) && ts.isPrivateIdentifier(node.name)),
    )
  const describe = (member: ts.Symbol, prefix: string) => ({
    name: `${prefix}${member.name}`,
    documented: isDocumented(member, checker),
  })
  const instance = checker
    .getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol))
    .filter((member) => ownedByClass(member) && isPublic(member) && !hasTag(member, checker, 'internal'))
    .map((member) => describe(member, ''))
  const statics = checker
    .getPropertiesOfType(checker.getTypeOfSymbol(symbol))
    .filter(
      (member) =>
        member.name !== 'prototype' &&
        ownedByClass(member) &&
        isPublic(member) &&
        !hasTag(member, checker, 'internal'),
    )
    .map((member) => describe(member, 'static '))
  return [...statics, ...instance].sort((a, b) => a.name.localeCompare(b.name))
}

/**
 * Lists what each entry module exports — values and types — with the TypeScript compiler, the
 * way a user's editor resolves `import { … } from 'agentgw/…'`.
 */
export function listEntryExports(
  packageRoot: string,
  entries: readonly PackageEntry[],
): Map<string, ExportedName[]> {
  const configFile = ts.readConfigFile(path.join(packageRoot, 'tsconfig.json'), ts.sys.readFile)
  const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, packageRoot)
  // Names, kinds and JSDoc come from our own files alone: leaving out the standard library and
  // every dependency's types makes the program build in a second instead of twenty.
  const options: ts.CompilerOptions = { ...parsed.options, noEmit: true, noLib: true, types: [] }
  const host = ts.createCompilerHost(options)
  const outside = (file: string) => file.includes(`${path.sep}node_modules${path.sep}`)
  const fileExists = host.fileExists.bind(host)
  host.fileExists = (file) => !outside(file) && fileExists(file)
  const files = entries.map((entry) => path.join(packageRoot, entry.source))
  const program = ts.createProgram(files, options, host)
  const checker = program.getTypeChecker()
  const result = new Map<string, ExportedName[]>()
  for (const entry of entries) {
    const sourceFile = program.getSourceFile(path.join(packageRoot, entry.source))
    const moduleSymbol = sourceFile && checker.getSymbolAtLocation(sourceFile)
    if (!moduleSymbol) throw new Error(`cannot read the entry ${entry.specifier} at ${entry.source}`)
    const names = checker.getExportsOfModule(moduleSymbol).map((exported): ExportedName => {
      const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported
      return {
        name: exported.name,
        kind: kindsOf(target).join('+') || 'unknown',
        documented: isDocumented(target, checker),
        deprecated: hasTag(target, checker, 'deprecated'),
        members: target.flags & ts.SymbolFlags.Class ? classMembers(target, checker) : [],
      }
    })
    result.set(
      entry.specifier,
      names.sort((a, b) => a.name.localeCompare(b.name)),
    )
  }
  return result
}

/** The export lists as a text document, one line per name, for a file snapshot. */
export function formatSurface(
  entries: readonly PackageEntry[],
  exports: Map<string, ExportedName[]>,
): string {
  const lines: string[] = [
    '# The public surface of the package: every name each entry exports (values and types).',
    '# Written by test/public-surface.test.ts; a change here is a change to the public API.',
  ]
  for (const entry of entries) {
    lines.push('', `${entry.specifier}  (${entry.source})`)
    for (const name of exports.get(entry.specifier) ?? []) {
      lines.push(`  ${name.kind} ${name.name}${name.deprecated ? '  (deprecated)' : ''}`)
      for (const member of name.members) lines.push(`    .${member.name}`)
    }
  }
  return `${lines.join('\n')}\n`
}
