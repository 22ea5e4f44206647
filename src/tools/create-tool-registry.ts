import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Logger } from '../core/logger.ts'
import type { Diagnostic, WorkspaceDefinition } from '../core/workspace/model.ts'
import { createPythonPool, type PythonPool, type PythonPoolOptions } from './python/create-python-pool.ts'
import { toPythonHandler } from './python/to-python-handler.ts'
import type { RegisteredTool, ToolHandler, ToolRegistry } from './tool-types.ts'

/**
 * Imports a file tool's handler module. The module must export `handle(args, context)` (named or
 * on the default export). Importing runs the user's module code, which is the point of a handler;
 * reading TOOL.md never does.
 */
export async function importToolHandler(absoluteFile: string): Promise<ToolHandler | string> {
  let loaded: Record<string, unknown>
  try {
    loaded = (await import(pathToFileURL(absoluteFile).href)) as Record<string, unknown>
  } catch (error) {
    return `handler failed to load: ${(error as Error).message.split('\n')[0]}`
  }
  const handle = loaded.handle ?? (loaded.default as Record<string, unknown> | undefined)?.handle
  return typeof handle === 'function'
    ? (handle as ToolHandler)
    : 'handler module does not export a handle(args, context) function'
}

export interface CreateToolRegistryOptions {
  workspace: WorkspaceDefinition
  codeTools: readonly RegisteredTool[]
  /** How `handler.py` tools run (the `python` section of gateway.yaml). */
  python: Omit<PythonPoolOptions, 'workspaceRoot' | 'env' | 'logger'> & {
    workspaceRoot: string
    env: Readonly<Record<string, string | undefined>>
  }
  logger: Logger
  /** Receives problems found while importing handlers. */
  diagnostics: Diagnostic[]
}

/**
 * Builds the registry: file tools with their handlers (TypeScript/JavaScript modules imported
 * here, Python handlers run by a pool of `python3` workers), then code tools, which win on a
 * clash.
 */
export async function createToolRegistry(options: CreateToolRegistryOptions): Promise<ToolRegistry> {
  const byName = new Map<string, RegisteredTool>()
  const python = options.workspace.tools.some((tool) => tool.handlerFile?.endsWith('.py'))
    ? createPythonPool({ ...options.python, logger: options.logger })
    : undefined
  const pythonProblem = await python?.availability()
  for (const tool of options.workspace.tools) {
    if (!tool.handlerFile) continue
    const absoluteFile = path.join(options.workspace.root, tool.handlerFile)
    let handler: ToolHandler | string
    if (tool.handlerFile.endsWith('.py')) {
      const pool = python as PythonPool
      handler =
        pythonProblem ?? (await pool.load(absoluteFile)) ?? toPythonHandler(pool, absoluteFile, tool.name)
    } else {
      handler = await importToolHandler(absoluteFile)
    }
    if (typeof handler === 'string') {
      options.diagnostics.push({
        severity: 'error',
        file: tool.handlerFile,
        subject: { kind: 'tool', id: tool.id },
        message: handler,
      })
      continue
    }
    byName.set(tool.name, {
      name: tool.name,
      description: tool.description,
      parameters: tool.parameters,
      source: 'file',
      allowedAgents: tool.allowedAgents,
      requireApproval: tool.requireApproval,
      timeoutMs: tool.timeoutMs,
      idempotent: tool.idempotent,
      onInterrupted: tool.onInterrupted,
      instructions: tool.instructions,
      handler,
      file: tool.file,
    })
  }
  for (const tool of options.codeTools) {
    if (byName.has(tool.name))
      options.logger.info({ tool: tool.name }, 'code tool replaces the file tool of the same name')
    byName.set(tool.name, tool)
  }
  return {
    get: (name) => byName.get(name),
    list: () => [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)),
    close: async () => {
      await python?.close()
    },
  }
}
