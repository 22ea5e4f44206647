import type { Layer } from './import-graph.ts'

const under =
  (...folders: string[]) =>
  (module: string) =>
    folders.some((folder) => module.startsWith(`${folder}/`))

/** Packages that only HTTP code may use: the web framework and its OpenAPI layer. */
const isHttpFramework = (name: string) => name === 'hono' || name.startsWith('@hono/')

/** Packages core may use: small and pure. Core does no I/O, so no `node:` modules either. */
const corePackages = new Set(['zod', 'yaml', 'proxy-addr', 'forwarded-parse', 'croner'])

/**
 * The layers of `src/` and what each may import — the dependency rule of ARCHITECTURE.md, as
 * data. Imports point inward: core ← json-schema/workspace/tools ← engine ← services ← http ←
 * routes/dashboard ← the assembly (runtime, the root files) ← cli. Backends (adapters) implement
 * ports from core and know nothing of services or HTTP; host adapters know only the bindings type.
 */
export const architectureLayers: readonly Layer[] = [
  { name: 'core', contains: under('core'), mayImport: [], packagesAllowed: (name) => corePackages.has(name) },
  {
    name: 'json-schema',
    contains: under('json-schema'),
    mayImport: ['core'],
    packagesForbidden: isHttpFramework,
  },
  {
    name: 'workspace',
    contains: under('workspace'),
    mayImport: ['core', 'json-schema'],
    packagesForbidden: isHttpFramework,
  },
  {
    name: 'tools',
    contains: under('tools'),
    mayImport: ['core', 'json-schema'],
    packagesForbidden: isHttpFramework,
  },
  {
    name: 'engine',
    contains: under('engine'),
    mayImport: ['core', 'json-schema', 'tools'],
    packagesForbidden: isHttpFramework,
  },
  {
    name: 'services',
    contains: under('services'),
    mayImport: ['core', 'json-schema', 'tools', 'engine'],
    packagesForbidden: isHttpFramework,
  },
  { name: 'http', contains: under('http'), mayImport: ['core', 'services', 'engine', 'tools'] },
  {
    name: 'routes',
    contains: under('routes'),
    mayImport: ['core', 'http', 'services', 'engine', 'tools', 'json-schema'],
  },
  {
    name: 'dashboard',
    contains: under('dashboard'),
    mayImport: ['core', 'http', 'services', 'engine', 'tools'],
  },
  { name: 'host adapters', contains: under('adapters/hosts'), mayImport: ['core'] },
  {
    name: 'backends',
    contains: under('adapters'),
    mayImport: ['core'],
    packagesForbidden: isHttpFramework,
  },
  {
    name: 'assembly',
    contains: (module) => module.startsWith('runtime/') || !module.includes('/'),
    mayImport: [
      'core',
      'json-schema',
      'workspace',
      'tools',
      'engine',
      'services',
      'http',
      'routes',
      'dashboard',
      'host adapters',
      'backends',
    ],
  },
  {
    name: 'cli',
    contains: under('cli'),
    mayImport: [
      'core',
      'json-schema',
      'workspace',
      'tools',
      'engine',
      'services',
      'http',
      'backends',
      'assembly',
    ],
  },
  {
    name: 'testing',
    contains: under('testing'),
    mayImport: ['core', 'engine', 'tools', 'services', 'http', 'host adapters', 'backends', 'assembly'],
  },
]
