import { type FSWatcher, watch } from 'node:fs'
import path from 'node:path'
import type { Logger } from '../core/logger.ts'

export interface WatchWorkspaceOptions {
  root: string
  /** Called once the files have been quiet for `debounceMs`; reloads never overlap. */
  reload: () => Promise<void>
  logger: Logger
  /** @default 300 */
  debounceMs?: number
}

/**
 * `agentgw serve --watch`: reloads the workspace after its files change. Dot-folders (the
 * embedded database, editors' swap files) are ignored; gateway.yaml only logs that it needs a
 * restart. Returns a function that stops watching.
 */
export function watchWorkspace(options: WatchWorkspaceOptions): () => void {
  const debounceMs = options.debounceMs ?? 300
  let timer: ReturnType<typeof setTimeout> | undefined
  let running: Promise<void> | undefined
  let again = false

  const run = () => {
    timer = undefined
    if (running) {
      again = true
      return
    }
    running = options
      .reload()
      .catch((error: unknown) => options.logger.error({ err: error }, 'workspace reload failed'))
      .finally(() => {
        running = undefined
        if (again) {
          again = false
          run()
        }
      })
  }

  const watcher: FSWatcher = watch(options.root, { recursive: true }, (_event, name) => {
    const file = name ? String(name) : ''
    const parts = file.split(path.sep)
    if (parts.some((part) => part.startsWith('.') || part.endsWith('~'))) return
    if (file === 'gateway.yaml' || file === 'gateway.yml') {
      options.logger.warn({ file }, 'gateway.yaml changed: restart the gateway to apply it')
      return
    }
    if (timer) clearTimeout(timer)
    timer = setTimeout(run, debounceMs)
  })
  watcher.on('error', (error) => options.logger.error({ err: error }, 'watching the workspace failed'))
  options.logger.info({ workspace: options.root }, 'watching the workspace for changes')
  return () => {
    if (timer) clearTimeout(timer)
    watcher.close()
  }
}
