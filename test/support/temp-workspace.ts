import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'

export interface TempWorkspace {
  root: string
  write(relative: string, content: string): Promise<void>
  remove(): Promise<void>
}

/** Creates a throw-away workspace folder from a map of relative path → file content. */
export async function createTempWorkspace(files: Record<string, string> = {}): Promise<TempWorkspace> {
  const root = await mkdtemp(path.join(tmpdir(), 'agw-ws-'))
  const write = async (relative: string, content: string) => {
    const target = path.join(root, relative)
    await mkdir(path.dirname(target), { recursive: true })
    await writeFile(target, content)
  }
  for (const [relative, content] of Object.entries(files)) await write(relative, content)
  return { root, write, remove: () => rm(root, { recursive: true, force: true }) }
}
