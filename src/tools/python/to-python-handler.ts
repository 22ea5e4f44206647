import type { ToolContext, ToolHandler } from '../tool-types.ts'
import { type PythonPool, PythonToolError } from './create-python-pool.ts'

/**
 * The `context` a Python handler receives: the JSON-serialisable fields of a TypeScript
 * handler's context, in Python's snake_case. (The logger becomes a Python `logging.Logger`
 * and the abort signal a kill of the worker.)
 */
export function toPythonContext(context: ToolContext, toolName: string): Record<string, unknown> {
  const principal = context.principal
  return {
    agent_id: context.agentId,
    execution_id: context.executionId,
    session_id: context.sessionId ?? null,
    call_id: context.callId,
    tool_name: toolName,
    config: context.config,
    user_config: context.userConfig ?? null,
    principal: principal
      ? {
          id: principal.id,
          kind: principal.kind,
          scopes: [...principal.scopes],
          name: principal.name ?? null,
        }
      : null,
  }
}

/** A tool handler that runs `handle(arguments, context)` of a `handler.py` in the pool. */
export function toPythonHandler(pool: PythonPool, file: string, toolName: string): ToolHandler {
  return async function pythonHandler(args, context) {
    try {
      const result = await pool.call(file, args, toPythonContext(context, toolName), context.signal)
      if (result.stdout) context.captureOutput('stdout', result.stdout)
      if (result.stderr) context.captureOutput('stderr', result.stderr)
      return result.value
    } catch (error) {
      if (!(error instanceof PythonToolError)) throw error
      if (error.stdout) context.captureOutput('stdout', error.stdout)
      if (error.stderr) context.captureOutput('stderr', error.stderr)
      throw new Error(error.message)
    }
  }
}
