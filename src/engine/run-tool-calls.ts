import type { EngineEvent, ToolResultMessage } from '../core/execution-types.ts'
import type { Logger } from '../core/logger.ts'
import type { JsonSchemaValidator } from '../json-schema/create-json-schema-validator.ts'
import type { RegisteredTool, ToolContext } from '../tools/tool-types.ts'
import type { Hooks } from './hooks.ts'
import { runWithLimit } from './run-with-limit.ts'
import { startTimeout } from './start-timeout.ts'
import { withSpan } from './telemetry/with-span.ts'
import { untilAborted } from './until-aborted.ts'

export interface PendingToolCall {
  id: string
  name: string
  /** Arguments as the model sent them (a JSON string). */
  input: string
}

/**
 * How a step's tool calls meet the run journal: results an earlier attempt recorded are
 * replayed, a non-idempotent call is recorded as started before its handler runs, and every
 * result is recorded before the run goes on.
 */
export interface ToolCallJournal {
  /** The result an earlier attempt recorded for this call, replayed instead of running it. */
  replayed(callId: string): ToolResultMessage | undefined
  /**
   * Called after the arguments validated, right before the handler runs; resolves with the
   * arguments to run it with (an approver may have edited them) once the start is recorded
   * (non-idempotent tools). Throws `ToolFailure` when the call must not run — an approver
   * rejected it, or an earlier attempt may have taken effect — and the model should be told;
   * throws anything else to stop the run (a failure, or a pause for approval).
   */
  starting(
    callId: string,
    tool: RegisteredTool,
    args: Record<string, unknown>,
  ): Promise<Record<string, unknown>>
  /** Resolves once the result is recorded. */
  finished(result: ToolResultMessage): Promise<void>
}

export interface ToolRunContext {
  agentId: string
  executionId: string
  sessionId: string | undefined
  principal: ToolContext['principal']
  userConfig: ToolContext['userConfig']
  config: Readonly<Record<string, unknown>>
  logger: Logger
  /** The run's signal; when it aborts, tool calls stop and the run ends. */
  signal: AbortSignal
  tools: ReadonlyMap<string, RegisteredTool>
  validator: JsonSchemaValidator
  hooks: Hooks
  maxParallel: number
  maxResultBytes: number
  onEvent: (event: EngineEvent) => void
  /** Removes configured secrets from error text (a handler's error may quote a credential). */
  redact: (text: string) => string
  /** Whether a call of this tool waits for approval (the agent's policy too); default: the tool's. */
  needsApproval?: ((tool: RegisteredTool) => boolean) | undefined
  /** Replay and recording of the calls; absent for workflow steps (their tool is recorded whole). */
  journal?: ToolCallJournal | undefined
}

/** A tool call that fails with a message the model reads as the tool's error result. */
export class ToolFailure extends Error {}

/** JSON of a result, cut to `maxBytes` (UTF-8) with a marker the model can read. */
export function serializeToolResult(
  value: unknown,
  maxBytes: number,
): { content: string; truncated: boolean } {
  let content: string
  if (typeof value === 'string') content = value
  else {
    try {
      content = JSON.stringify(value ?? null) ?? 'null'
    } catch {
      throw new ToolFailure('the tool returned a value that cannot be serialized to JSON')
    }
  }
  const bytes = Buffer.byteLength(content)
  if (bytes <= maxBytes) return { content, truncated: false }
  const marker = `\n[truncated: the result was ${bytes} bytes; showing the first ${maxBytes}]`
  const cut = Buffer.from(content)
    .subarray(0, maxBytes)
    .toString('utf8')
    .replace(/\uFFFD$/, '')
  return { content: cut + marker, truncated: true }
}

function parseArguments(input: string): Record<string, unknown> {
  if (input.trim() === '') return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(input)
  } catch {
    throw new ToolFailure('the arguments are not valid JSON')
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ToolFailure('the arguments must be a JSON object')
  }
  return parsed as Record<string, unknown>
}

/**
 * Executes one model turn's tool calls, at most `maxParallel` at once. Unknown tools, invalid
 * arguments, handler errors and per-tool timeouts become error results the model reads and can
 * react to; only cancellation of the run itself propagates.
 */
export async function runToolCalls(
  calls: readonly PendingToolCall[],
  context: ToolRunContext,
): Promise<ToolResultMessage[]> {
  return runWithLimit(calls, context.maxParallel, async (call) => {
    const replayed = context.journal?.replayed(call.id)
    if (replayed) return replayed
    const started = performance.now()
    let args: Record<string, unknown> = {}
    let parseProblem: string | undefined
    try {
      args = parseArguments(call.input)
    } catch (error) {
      parseProblem = (error as Error).message
    }
    context.onEvent({ type: 'tool_call', callId: call.id, name: call.name, arguments: args })
    let output: unknown
    let isError = false
    const logs: { stdout?: string; stderr?: string } = {}
    try {
      if (parseProblem) throw new ToolFailure(parseProblem)
      const tool = context.tools.get(call.name)
      if (!tool) {
        const available = [...context.tools.keys()].join(', ') || 'none'
        throw new ToolFailure(`unknown tool "${call.name}"; available tools: ${available}`)
      }
      const problems = context.validator.compile(tool.parameters)(args)
      if (problems.length > 0) {
        const list = problems.map((problem) => `${problem.path} ${problem.message}`).join('; ')
        throw new ToolFailure(`invalid arguments: ${list}. Fix them and call the tool again.`)
      }
      if (context.journal) args = await context.journal.starting(call.id, tool, args)
      else if (context.needsApproval?.(tool) ?? tool.requireApproval) {
        // Never run an approval-gated tool unapproved: without a journal the run cannot pause.
        throw new ToolFailure(
          `the tool "${tool.name}" needs a human's approval, which this run cannot wait for (only invoke runs can pause for approval)`,
        )
      }
      await context.hooks.emit('tool.execute.before', {
        toolName: tool.name,
        agentId: context.agentId,
        executionId: context.executionId,
        arguments: args,
      })
      const timeout = tool.timeoutMs ? startTimeout(tool.timeoutMs) : undefined
      const signal = AbortSignal.any(timeout ? [context.signal, timeout.signal] : [context.signal])
      const toolContext: ToolContext = {
        agentId: context.agentId,
        executionId: context.executionId,
        sessionId: context.sessionId,
        callId: call.id,
        logger: context.logger.child({ tool: tool.name, callId: call.id }),
        signal,
        config: context.config,
        principal: context.principal,
        userConfig: context.userConfig,
        captureOutput(stream, text) {
          logs[stream] = (logs[stream] ?? '') + text
        },
      }
      let succeeded = false
      try {
        output = await withSpan(
          `execute_tool ${tool.name}`,
          {
            attributes: {
              'gen_ai.operation.name': 'execute_tool',
              'gen_ai.tool.name': tool.name,
              'gen_ai.tool.call.id': call.id,
              'agentgw.execution.id': context.executionId,
            },
          },
          () =>
            untilAborted(
              Promise.resolve().then(() => tool.handler(args, toolContext)),
              signal,
            ),
        )
        succeeded = true
      } catch (error) {
        if (context.signal.aborted) throw error
        if (signal.aborted) throw new ToolFailure(`the tool did not finish within ${tool.timeoutMs} ms`)
        throw new ToolFailure(
          context.redact(`the tool failed: ${error instanceof Error ? error.message : String(error)}`),
        )
      } finally {
        timeout?.clear()
        await context.hooks.emit('tool.execute.after', {
          toolName: tool.name,
          agentId: context.agentId,
          executionId: context.executionId,
          durationMs: performance.now() - started,
          success: succeeded,
        })
      }
    } catch (error) {
      if (!(error instanceof ToolFailure)) throw error
      isError = true
      output = { error: error.message }
    }
    let serialized: { content: string; truncated: boolean }
    try {
      serialized = serializeToolResult(output, context.maxResultBytes)
    } catch (error) {
      isError = true
      output = { error: (error as Error).message }
      serialized = serializeToolResult(output, context.maxResultBytes)
    }
    const durationMs = Math.round(performance.now() - started)
    context.onEvent({
      type: 'tool_result',
      callId: call.id,
      name: call.name,
      output: serialized.truncated ? serialized.content : output,
      isError,
      durationMs,
      ...(logs.stdout || logs.stderr ? { logs } : {}),
    })
    const result = { callId: call.id, name: call.name, content: serialized.content, isError }
    await context.journal?.finished(result)
    return result
  })
}
