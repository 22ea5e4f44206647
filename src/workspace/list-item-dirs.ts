import type { Diagnostic } from '../core/workspace/model.ts'
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
