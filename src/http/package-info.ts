import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

// Both paths are relative to this module, which sits two levels below the package root in
// src/ (a checkout) and in dist/ (the published package) alike.
const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

/** The installed agentgw version, from package.json. */
export const version: string = (
  createRequire(import.meta.url)(path.join(packageRoot, 'package.json')) as {
    version: string
  }
).version

/** The package's `assets/` folder: static files served by the gateway (docs UI, dashboard). */
export const assetsDirectory = path.join(packageRoot, 'assets')
