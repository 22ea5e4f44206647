import type { Diagnostic } from '../core/workspace/model.ts'
import type { WorkspaceFiles } from './workspace-files.ts'

/**
 * Files older agents-gateway workspaces keep in an agent folder that the gateway does not read,
 * each with what to do instead. Reporting them keeps a migrated workspace from losing a prompt
 * silently.
 */
const legacyAgentFiles: Readonly<Record<string, string>> = {
  'SOUL.md':
    'SOUL.md is not read (it was replaced by BEHAVIOR.md): move its text into BEHAVIOR.md or the AGENT.md body',
  'CONFIG.md': 'CONFIG.md is not read: move its settings into the AGENT.md frontmatter',
  'MEMORY.md':
    'MEMORY.md is not read: agent memories are kept per user in the storage (`memory: true` in AGENT.md)',
}

/** Adds a warning for every legacy file in `agents/<id>/`. */
export async function reportLegacyAgentFiles(
  files: WorkspaceFiles,
  folder: string,
  subject: Diagnostic['subject'],
  diagnostics: Diagnostic[],
): Promise<void> {
  for (const entry of await files.listEntries(folder)) {
    const message = legacyAgentFiles[entry.name]
    if (message && entry.kind === 'file') {
      diagnostics.push({ severity: 'warning', file: entry.relative, subject, message })
    }
  }
}
