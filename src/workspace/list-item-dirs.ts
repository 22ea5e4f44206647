import type { z } from 'zod'
import type { Diagnostic } from '../core/workspace/model.ts'
import { parseMarkdownWithSchema } from '../core/workspace/parse-markdown.ts'
import { idPattern } from '../core/workspace/schemas.ts'
import type { DirectoryEntry, WorkspaceFiles } from './workspace-files.ts'

/**
 * Lists `<kind>/<id>/` folders whose names are valid ids. Dot-entries are skipped quietly;
 * symlinks and invalid names are skipped with a warning.
 */
export async function listItemDirectories(
  files: WorkspaceFiles,
  folder: string,
  diagnostics: Diagnostic[],
): Promise<DirectoryEntry[]> {
  const result: DirectoryEntry[] = []
  for (const entry of await files.listEntries(folder)) {
    if (entry.name.startsWith('.')) continue
    if (entry.kind === 'symlink') {
      diagnostics.push({
        severity: 'warning',
        file: entry.relative,
        message: 'symlinks are not followed; skipped',
      })
      continue
    }
    if (entry.kind !== 'directory') continue
    if (!idPattern.test(entry.name)) {
      diagnostics.push({
        severity: 'warning',
        file: entry.relative,
        message: `"${entry.name}" is not a valid id (lowercase letters, digits, _ and -, starting with a letter or digit, at most 64); skipped`,
      })
      continue
    }
    result.push(entry)
  }
  return result
}

/** Reads a file that must exist inside an item folder, reporting why it can't be read. */
export async function readItemFile(
  files: WorkspaceFiles,
  relative: string,
  diagnostics: Diagnostic[],
  subject: Diagnostic['subject'],
): Promise<string | undefined> {
  const result = await files.read(relative)
  if (result === undefined) return undefined
  if ('error' in result) {
    diagnostics.push({
      severity: 'error',
      file: relative,
      subject,
      message: `cannot be read: ${result.error}`,
    })
    return undefined
  }
  return result.text
}

/** One item folder whose Markdown file parsed: its frontmatter data and body. */
export interface ItemDocument<T> {
  id: string
  /** The folder, relative to the workspace. */
  folder: string
  /** The Markdown file, relative to the workspace. */
  file: string
  subject: NonNullable<Diagnostic['subject']>
  data: T
  body: string
  /** The line of a frontmatter key as written (snake_case path). */
  lineOf: (path: readonly (string | number)[]) => number | undefined
}

/**
 * Reads `<folder>/<id>/<fileName>` for every valid item folder and parses its frontmatter with
 * `schema`. Missing files and parse problems become diagnostics; only items that parsed are
 * returned.
 */
export async function readItemDocuments<S extends z.ZodType>(
  files: WorkspaceFiles,
  folder: 'agents' | 'skills' | 'tools',
  fileName: string,
  schema: S,
  diagnostics: Diagnostic[],
): Promise<ItemDocument<z.output<S>>[]> {
  const kind = ({ agents: 'agent', skills: 'skill', tools: 'tool' } as const)[folder]
  const documents: ItemDocument<z.output<S>>[] = []
  for (const entry of await listItemDirectories(files, folder, diagnostics)) {
    const subject = { kind, id: entry.name }
    const file = `${entry.relative}/${fileName}`
    const text = await readItemFile(files, file, diagnostics, subject)
    if (text === undefined) {
      if (!diagnostics.some((diagnostic) => diagnostic.file === file)) {
        diagnostics.push({
          severity: 'warning',
          file: entry.relative,
          subject,
          message: `no ${fileName}; folder skipped`,
        })
      }
      continue
    }
    const parsed = parseMarkdownWithSchema(text, file, schema)
    diagnostics.push(...parsed.diagnostics.map((diagnostic) => ({ ...diagnostic, subject })))
    if (parsed.data !== undefined) {
      documents.push({
        id: entry.name,
        folder: entry.relative,
        file,
        subject,
        data: parsed.data,
        body: parsed.body,
        lineOf: parsed.lineOf,
      })
    }
  }
  return documents
}
