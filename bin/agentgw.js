#!/usr/bin/env node
// Runs the compiled CLI; inside a source checkout without a build, runs the TypeScript directly
// (Node >= 22.18 strips types for files outside node_modules).
import { existsSync } from 'node:fs'

const compiled = new URL('../dist/cli/main.js', import.meta.url)
const fromSource = !existsSync(compiled)
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number)
const required = fromSource ? [22, 18] : [22, 12]
if (major < required[0] || (major === required[0] && minor < required[1])) {
  process.stderr.write(
    `agentgw needs Node ${required.join('.')} or newer (this is ${process.versions.node})` +
      (fromSource
        ? '; in a checkout run `npx agentgw`, which uses the pinned Node.\n'
        : '; see https://nodejs.org.\n'),
  )
  process.exit(1)
}
await import(fromSource ? new URL('../src/cli/main.ts', import.meta.url).href : compiled.href)
