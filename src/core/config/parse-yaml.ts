import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml'
import { ConfigError, type ConfigIssue } from '../errors.ts'

export type KeyPath = readonly (string | number)[]

export interface SourcePosition {
  line: number
  column: number
}

/** A parsed YAML document: its plain value plus the position of every key in it. */
export interface ParsedYaml {
  value: unknown
  /** Position of the value at `path` (1-based line/column), or of its nearest located ancestor. */
  locate(path: KeyPath): SourcePosition | undefined
}

export interface ParseYamlOptions {
  /** File name used in error messages. */
  file: string
  /** Added to every reported line, for YAML embedded in a larger file (frontmatter). */
  lineOffset?: number
}

export function pathKey(path: KeyPath): string {
  return JSON.stringify(path)
}

/**
 * Parses YAML with the core schema only: no custom tags, no code execution, aliases capped.
 * Syntax errors and unresolved tags become a `ConfigError` that names the file and line.
 */
export function parseYaml(text: string, options: ParseYamlOptions): ParsedYaml {
  const lineOffset = options.lineOffset ?? 0
  const lineCounter = new LineCounter()
  const document = parseDocument(text, {
    lineCounter,
    schema: 'core',
    uniqueKeys: true,
    prettyErrors: false,
    strict: true,
  })
  const position = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset)
    return { line: line + lineOffset, column: col }
  }
  const problems = [...document.errors, ...document.warnings]
  if (problems.length > 0) {
    const issues: ConfigIssue[] = problems.map((problem) => ({
      file: options.file,
      ...position(problem.pos[0]),
      message: `invalid YAML: ${problem.message.split('\n')[0]}`,
    }))
    throw new ConfigError(issues)
  }

  const positions = new Map<string, SourcePosition>()
  const walk = (node: Node | null | undefined, path: (string | number)[]): void => {
    if (!node) return
    if (node.range) positions.set(pathKey(path), position(node.range[0]))
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key)
        const keyNode = pair.key as Node | null
        walk(pair.value as Node | null, [...path, key])
        // The key's line is what a reader looks for, even when the value spans many lines.
        if (keyNode?.range) positions.set(pathKey([...path, key]), position(keyNode.range[0]))
      }
    } else if (isSeq(node)) {
      for (const [index, item] of node.items.entries()) walk(item as Node | null, [...path, index])
    }
  }
  walk(document.contents as Node | null, [])

  let value: unknown
  try {
    value = document.toJS({ maxAliasCount: 100 })
  } catch (error) {
    throw new ConfigError({ file: options.file, message: `invalid YAML: ${(error as Error).message}` })
  }

  return {
    value: value ?? undefined,
    locate(path) {
      for (let length = path.length; length >= 0; length--) {
        const found = positions.get(pathKey(path.slice(0, length)))
        if (found) return found
      }
      return undefined
    },
  }
}
