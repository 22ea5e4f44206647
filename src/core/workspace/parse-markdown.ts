import type { z } from 'zod'
import { normalizeTree } from '../config/normalize-tree.ts'
import { parseYaml } from '../config/parse-yaml.ts'
import { toConfigIssues } from '../config/schema-issues.ts'
import { ConfigError } from '../errors.ts'
import { FrontmatterError, splitFrontmatter } from './frontmatter.ts'
import type { Diagnostic } from './model.ts'

export interface ParsedMarkdown<T> {
  /** Validated frontmatter, or `undefined` when it has errors. */
  data: T | undefined
  body: string
  diagnostics: Diagnostic[]
  /** The line of a frontmatter key as written (snake_case path), for later diagnostics. */
  lineOf: (path: readonly (string | number)[]) => number | undefined
}

/**
 * Parses a Markdown file with YAML frontmatter against a schema. Every problem becomes a
 * diagnostic with file and line; unknown frontmatter keys are warnings.
 */
export function parseMarkdownWithSchema<S extends z.ZodType>(
  text: string,
  file: string,
  schema: S,
): ParsedMarkdown<z.output<S>> {
  const diagnostics: Diagnostic[] = []
  const noLine = () => undefined
  let split: ReturnType<typeof splitFrontmatter>
  try {
    split = splitFrontmatter(text)
  } catch (error) {
    if (!(error instanceof FrontmatterError)) throw error
    return {
      data: undefined,
      body: '',
      diagnostics: [{ severity: 'error', file, line: error.line, message: error.message }],
      lineOf: noLine,
    }
  }
  let parsed: ReturnType<typeof parseYaml>
  try {
    parsed = parseYaml(split.frontmatter, { file, lineOffset: split.frontmatterLine - 1 })
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error
    return {
      data: undefined,
      body: split.body,
      diagnostics: error.issues.map((issue) => ({ ...issue, severity: 'error' as const })),
      lineOf: noLine,
    }
  }
  const value = parsed.value ?? {}
  if (typeof value !== 'object' || Array.isArray(value)) {
    diagnostics.push({
      severity: 'error',
      file,
      line: split.frontmatterLine,
      message: 'frontmatter must be a mapping',
    })
    return { data: undefined, body: split.body, diagnostics, lineOf: noLine }
  }
  const lineOf = (path: readonly (string | number)[]) => parsed.locate(path)?.line
  const at = (path: readonly (string | number)[]) => ({
    file,
    ...(parsed.locate(path) ?? {}),
    keyPath: path.join('.'),
    message: '',
  })
  const normalized = normalizeTree(value, schema)
  for (const unknown of normalized.unknownKeys) {
    const hint = unknown.suggestion ? ` (did you mean "${unknown.suggestion}"?)` : ''
    diagnostics.push({
      severity: 'warning',
      ...at(unknown.path),
      message: `unknown frontmatter key, ignored${hint}`,
    })
  }
  const result = schema.safeParse(normalized.value)
  if (!result.success) {
    for (const issue of toConfigIssues(result.error.issues, { sourcePaths: normalized.sourcePaths, at })) {
      diagnostics.push({ severity: 'error', ...issue })
    }
    return { data: undefined, body: split.body, diagnostics, lineOf }
  }
  return { data: result.data as z.output<S>, body: split.body, diagnostics, lineOf }
}
