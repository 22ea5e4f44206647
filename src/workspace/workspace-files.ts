import { lstat, readdir, readFile, realpath } from 'node:fs/promises'
import path from 'node:path'

/** Files larger than this are refused: a workspace holds prompts, not data sets. */
export const maxWorkspaceFileBytes = 2 * 1024 * 1024

export type SafePathResult =
  | { ok: true; absolute: string; relative: string }
  | { ok: false; reason: string; relative: string }

/**
 * Read access confined to one workspace folder: symlinks are refused (they could point
 * anywhere), as are paths that escape the root and dot-entries.
 */
export interface WorkspaceFiles {
  root: string
  /** Checks a path relative to the root (as written by a user) without reading it. */
  resolve(relativePath: string): Promise<SafePathResult>
  /** Reads a file by relative path; `undefined` when it does not exist. */
  read(relativePath: string): Promise<{ text: string } | { error: string } | undefined>
  /** Lists subdirectories of a relative directory (not following symlinks). */
  listEntries(relativeDir: string): Promise<DirectoryEntry[]>
}

export interface DirectoryEntry {
  name: string
  relative: string
  kind: 'directory' | 'file' | 'symlink' | 'other'
}

function isErrno(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === code
}

export async function openWorkspaceFiles(rootInput: string): Promise<WorkspaceFiles> {
  const root = await realpath(path.resolve(rootInput))
  const toRelative = (absolute: string) => path.relative(root, absolute).split(path.sep).join('/')

  const resolve = async (relativePath: string): Promise<SafePathResult> => {
    const relative = relativePath.split(path.sep).join('/')
    if (path.isAbsolute(relativePath))
      return { ok: false, reason: 'absolute paths are not allowed', relative }
    const absolute = path.resolve(root, relativePath)
    const inside = toRelative(absolute)
    if (inside === '' || inside.startsWith('../') || inside === '..' || path.isAbsolute(inside)) {
      return { ok: false, reason: 'the path escapes the workspace', relative }
    }
    // Walk each segment with lstat so a symlinked directory anywhere on the way is caught.
    let current = root
    for (const segment of inside.split('/')) {
      if (segment.startsWith('.'))
        return { ok: false, reason: 'dot-files and dot-directories are not read', relative }
      current = path.join(current, segment)
      try {
        const stats = await lstat(current)
        if (stats.isSymbolicLink())
          return { ok: false, reason: 'symlinks are not followed', relative: inside }
      } catch (error) {
        if (isErrno(error, 'ENOENT')) return { ok: true, absolute, relative: inside }
        throw error
      }
    }
    return { ok: true, absolute, relative: inside }
  }

  return {
    root,
    resolve,
    async read(relativePath) {
      const safe = await resolve(relativePath)
      if (!safe.ok) return { error: safe.reason }
      try {
        const stats = await lstat(safe.absolute)
        if (!stats.isFile()) return { error: 'not a regular file' }
        if (stats.size > maxWorkspaceFileBytes) return { error: `larger than ${maxWorkspaceFileBytes} bytes` }
        return { text: await readFile(safe.absolute, 'utf8') }
      } catch (error) {
        if (isErrno(error, 'ENOENT')) return undefined
        return { error: (error as Error).message }
      }
    },
    async listEntries(relativeDir) {
      const absolute = relativeDir === '' ? root : path.join(root, relativeDir)
      let entries: import('node:fs').Dirent[]
      try {
        entries = await readdir(absolute, { withFileTypes: true })
      } catch (error) {
        if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR')) return []
        throw error
      }
      return entries
        .map((entry) => ({
          name: entry.name,
          relative: relativeDir === '' ? entry.name : `${relativeDir}/${entry.name}`,
          kind: entry.isSymbolicLink()
            ? ('symlink' as const)
            : entry.isDirectory()
              ? ('directory' as const)
              : entry.isFile()
                ? ('file' as const)
                : ('other' as const),
        }))
        .sort((a, b) => a.name.localeCompare(b.name))
    },
  }
}
