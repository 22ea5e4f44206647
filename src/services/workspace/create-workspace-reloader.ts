import { formatConfigIssue } from '../../core/errors.ts'
import type { Logger } from '../../core/logger.ts'
import type { EventBus } from '../../core/ports/event-bus.ts'
import type { Diagnostic, WorkspaceDefinition } from '../../core/workspace/model.ts'
import type { ToolRegistry } from '../../tools/tool-types.ts'
import { compareWorkspaces, type WorkspaceChanges, workspaceVersion } from './workspace-version.ts'

/** Bus channel on which an instance announces that it reloaded its workspace. */
export const workspaceReloadChannel = 'workspace.reload'

/** A workspace read from disk with everything serving it needs. */
export interface LoadedWorkspace {
  workspace: WorkspaceDefinition
  tools: ToolRegistry
  /** Workspace diagnostics and handler problems. */
  diagnostics: Diagnostic[]
  notices: string[]
}

export type ReloadResult =
  | {
      status: 'reloaded'
      version: string
      previousVersion: string
      changes: WorkspaceChanges
      /** Warnings of the new workspace (it has no errors). */
      diagnostics: Diagnostic[]
    }
  | {
      status: 'refused'
      /** The version still served. */
      version: string
      /** The new files' problems; at least one is an error. */
      diagnostics: Diagnostic[]
    }

export interface WorkspaceReloader {
  /** Content hash of the workspace being served. */
  readonly version: string
  /** When the served workspace was loaded (ms since the epoch). */
  readonly loadedAt: number
  /**
   * Reads the workspace folder again off to the side. With no error it replaces the served
   * workspace in one step (runs already started keep the definitions they started with) and,
   * unless `announce` is false, tells every instance to reload too. With an error nothing changes.
   * Reloads run one at a time.
   */
  reload(options?: { announce?: boolean }): Promise<ReloadResult>
  /** Listens for other instances' reloads. */
  start(): Promise<void>
  /** Stops listening and closes the tool registries of replaced workspaces. */
  stop(): Promise<void>
}

export interface CreateWorkspaceReloaderOptions {
  initial: LoadedWorkspace
  /** Reads the workspace folder (the same loader as start-up and `agentgw check`). */
  load: () => Promise<LoadedWorkspace>
  /** Makes `loaded` the served workspace; synchronous, so no request sees half of it. */
  apply: (loaded: LoadedWorkspace) => void
  /** Called after a swap, e.g. to bring workspace schedules in step. */
  afterApply?: (loaded: LoadedWorkspace) => Promise<void>
  /** How long a replaced tool registry stays open for the runs still using it. */
  retireAfterMs: number
  bus: EventBus
  logger: Logger
  now?: () => number
}

export function createWorkspaceReloader(options: CreateWorkspaceReloaderOptions): WorkspaceReloader {
  const { bus, logger } = options
  const now = options.now ?? Date.now
  let current = options.initial
  let version = workspaceVersion(current.workspace)
  let loadedAt = now()
  let queue: Promise<unknown> = Promise.resolve()
  let unsubscribe: (() => Promise<void>) | undefined
  const retired = new Set<ToolRegistry>()
  const timers = new Set<ReturnType<typeof setTimeout>>()

  const retire = (tools: ToolRegistry) => {
    retired.add(tools)
    const timer = setTimeout(() => {
      timers.delete(timer)
      retired.delete(tools)
      tools.close().catch((error: unknown) => logger.warn({ err: error }, 'could not close replaced tools'))
    }, options.retireAfterMs)
    timer.unref?.()
    timers.add(timer)
  }

  const reloadNow = async (announce: boolean): Promise<ReloadResult> => {
    const loaded = await options.load()
    const errors = loaded.diagnostics.filter((diagnostic) => diagnostic.severity === 'error')
    if (errors.length > 0) {
      await loaded.tools.close().catch(() => undefined)
      logger.warn(
        { version, problems: errors.map(formatConfigIssue) },
        'workspace reload refused: the files have errors; the loaded version keeps serving',
      )
      return { status: 'refused', version, diagnostics: loaded.diagnostics }
    }
    const previous = current
    const previousVersion = version
    options.apply(loaded)
    current = loaded
    version = workspaceVersion(loaded.workspace)
    loadedAt = now()
    retire(previous.tools)
    const changes = compareWorkspaces(previous.workspace, loaded.workspace)
    logger.info(
      {
        version,
        previousVersion,
        agentsAdded: changes.agents.added,
        agentsRemoved: changes.agents.removed,
        agentsChanged: changes.agents.changed,
      },
      'workspace reloaded',
    )
    for (const diagnostic of loaded.diagnostics) logger.warn(formatConfigIssue(diagnostic))
    await options.afterApply?.(loaded)
    if (announce) {
      await bus.publish(workspaceReloadChannel, { version }).catch((error: unknown) => {
        logger.warn({ err: error }, 'could not announce the reload; other instances keep their version')
      })
    }
    return { status: 'reloaded', version, previousVersion, changes, diagnostics: loaded.diagnostics }
  }

  const reload = (announce: boolean): Promise<ReloadResult> => {
    const next = queue.then(() => reloadNow(announce))
    queue = next.catch(() => undefined)
    return next
  }

  return {
    get version() {
      return version
    },
    get loadedAt() {
      return loadedAt
    },
    reload: (reloadOptions) => reload(reloadOptions?.announce ?? true),
    async start() {
      unsubscribe = await bus.subscribe(workspaceReloadChannel, (message) => {
        // Our own announcement, or an instance that already serves what we serve.
        if (message.version === version) return
        reload(false).catch((error: unknown) => {
          logger.error({ err: error }, 'reloading the workspace after another instance did failed')
        })
      })
    },
    async stop() {
      await unsubscribe?.()
      unsubscribe = undefined
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      await Promise.all([...retired].map((tools) => tools.close().catch(() => undefined)))
      retired.clear()
    },
  }
}
