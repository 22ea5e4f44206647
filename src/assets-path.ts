import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** The package's `assets/` folder (static files served by the gateway), from src/ or dist/. */
export const assetsDirectory = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'assets')
