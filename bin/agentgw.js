#!/usr/bin/env node
// Runs the compiled CLI; inside a source checkout without a build, runs the TypeScript directly
// (Node >= 22.18 strips types for files outside node_modules).
import { existsSync } from 'node:fs'

const compiled = new URL('../dist/cli/main.js', import.meta.url)
await import(existsSync(compiled) ? compiled.href : new URL('../src/cli/main.ts', import.meta.url).href)
