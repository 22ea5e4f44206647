import { statSync } from 'node:fs'

/** Fails with one clear line when the workspace folder is missing (before any config is read). */
export function requireWorkspaceFolder(dir: string): void {
  let isFolder = false
  try {
    isFolder = statSync(dir).isDirectory()
  } catch {}
  if (!isFolder)
    throw new Error(
      `workspace folder ${dir} not found (pass --workspace <dir>, or create one with agentgw init)`,
    )
}
