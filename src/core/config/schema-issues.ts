import type { z } from 'zod'
import type { ConfigIssue } from '../errors.ts'
import { toSnakeCase } from './normalize-tree.ts'
import { type KeyPath, pathKey } from './parse-yaml.ts'

export interface IssueContext {
  /** From `normalizeTree`: normalized path → path as written in the source. */
  sourcePaths: Map<string, KeyPath>
  /** Builds the located issue for a source path. */
  at: (sourcePath: KeyPath) => ConfigIssue
  /** Lets a caller attribute a path to another source (an env var, an option). */
  sourceOf?: (path: KeyPath, sourcePath: KeyPath) => ConfigIssue | undefined
}

/** Maps zod issues on a normalized tree back to the file, line and key they came from. */
export function toConfigIssues(issues: readonly z.core.$ZodIssue[], context: IssueContext): ConfigIssue[] {
  return issues.map((issue) => {
    const path = issue.path.filter((part): part is string | number => typeof part !== 'symbol')
    const message = issue.message.replace(/^Invalid input: /, '')
    let sourcePath: KeyPath = path.map((part) => (typeof part === 'string' ? toSnakeCase(part) : part))
    for (let length = path.length; length >= 0; length--) {
      const found = context.sourcePaths.get(pathKey(path.slice(0, length)))
      if (found) {
        const rest = path.slice(length).map((part) => (typeof part === 'string' ? toSnakeCase(part) : part))
        sourcePath = [...found, ...rest]
        break
      }
    }
    const attributed = context.sourceOf?.(path, sourcePath)
    return { ...(attributed ?? context.at(sourcePath)), message }
  })
}
