import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

/**
 * Who may see or change an owned resource is decided in one place, `src/core/authorization.ts`,
 * and asked through the services. These checks fail when the decision is written again by hand
 * in the layers that serve requests — the way five diverging copies came about before.
 */

const sourceRoot = path.resolve(import.meta.dirname, '..', 'src')

/** Where requests are served: no ownership decision of their own here. */
const requestLayers = ['routes', 'dashboard', 'http', 'services']
/** Where requests are answered: owned resources only through the services' viewer methods. */
const handlerLayers = ['routes', 'dashboard']

const ownerOperand = String.raw`(?:\b(?:ownerId|principalId|owner)|\bprincipal\??\.id)`
/** Rules that flag one line of source. */
const ownershipRules: { name: string; pattern: RegExp }[] = [
  // `record.principalId !== owner`, `session.ownerId === user.principal.id`, in either order.
  { name: 'owner id compared', pattern: new RegExp(String.raw`${ownerOperand}\s*[!=]==?`) },
  {
    name: 'owner id compared',
    pattern: new RegExp(String.raw`[!=]==?\s*[\w$.?!()]*?${ownerOperand}\b`),
  },
  // A read-everything rule of its own, e.g. `scopes.includes('executions:read_all')` (the scope
  // as a string literal of its own; prose that names it, like an OpenAPI description, is fine).
  { name: 'read-all scope tested', pattern: /(['"])\w+:read_all\1/ },
]
const rawStoreRules: { name: string; pattern: RegExp }[] = [
  { name: 'raw store used', pattern: /\.store\b|\bsessionStore\b/ },
]

function sourceFiles(folder: string): string[] {
  return readdirSync(path.join(sourceRoot, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
    .map((file) => path.join(folder, file))
}

/** Lines of code (comments are skipped) that break one of the rules, as `file:line: text`. */
function findViolations(files: Record<string, string>, rules: { name: string; pattern: RegExp }[]): string[] {
  const found: string[] = []
  for (const [file, text] of Object.entries(files)) {
    text.split('\n').forEach((line, index) => {
      const code = line.trim()
      if (code.startsWith('//') || code.startsWith('*') || code.startsWith('/*')) return
      const rule = rules.find((candidate) => candidate.pattern.test(code))
      if (rule) found.push(`${file}:${index + 1}: ${rule.name}: ${code}`)
    })
  }
  return found
}

function readLayers(layers: string[]): Record<string, string> {
  const files: Record<string, string> = {}
  for (const file of layers.flatMap(sourceFiles)) {
    files[file] = readFileSync(path.join(sourceRoot, file), 'utf8')
  }
  return files
}

describe('one authorization point', () => {
  it('leaves no hand-written ownership check in routes, dashboard, http or services', () => {
    expect(findViolations(readLayers(requestLayers), ownershipRules)).toEqual([])
  })

  it('has routes and dashboard pages reach executions and sessions only through the services', () => {
    expect(findViolations(readLayers(handlerLayers), rawStoreRules)).toEqual([])
  })

  it('recognises the hand-written checks it looks for', () => {
    const written = {
      'a.ts': [
        'if (!record || (principalId !== undefined && record.principalId !== principalId)) {',
        'if (!session || (owner !== undefined && session.ownerId !== owner))',
        'body: conversationBody(c, session, items, session.ownerId === user.principal.id),',
        'if (user.principal.id == record.principalId) return record',
        "const everything = principal.scopes.includes('executions:read_all')",
      ].join('\n'),
    }
    expect(findViolations(written, ownershipRules)).toHaveLength(5)
    const stores = {
      'b.ts': ['const record = await runtime.executions.store.get(id)', 'await sessionStore.delete(id)'].join(
        '\n',
      ),
    }
    expect(findViolations(stores, rawStoreRules)).toHaveLength(2)
  })

  it('lets through what only mentions an owner', () => {
    const allowed = {
      'c.ts': [
        'ownerId: (record) => record.principalId,',
        "html`<td><code>${session.ownerId ?? 'anonymous'}</code></td>`",
        'principalId: ownerIdOf(request.viewer),',
        'actor: user.principal.id,',
        '// a comment about session.ownerId === owner',
        'description: "The caller\'s own; every caller\'s with `executions:read_all` or `admin`.",',
      ].join('\n'),
    }
    expect(findViolations(allowed, [...ownershipRules, ...rawStoreRules])).toEqual([])
  })
})
