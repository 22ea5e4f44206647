import { type ErrorDetail, toGatewayError } from '../core/errors.ts'
import type {
  EngineEvent,
  ExecutionResult,
  ExecutionStatus,
  StopReason,
  Usage,
} from '../core/execution-types.ts'
import type { AgentRunner, AsViewer, ChatOptions, InvokeOptions, RunOutcome } from './agent-runner.ts'
import { createEventChannel } from './event-channel.ts'

/** The `data` of a `session` frame: the ids of the run, known before the model is called. */
export interface SessionFrameData {
  /** The chat session; `null` for a one-off invoke. */
  sessionId: string | null
  executionId: string
  agentId: string
}

/** The `data` of a `tool_call` frame: the model asked for a tool. */
export interface ToolCallFrameData {
  callId: string
  name: string
  arguments: Record<string, unknown>
}

/** The `data` of a `tool_result` frame: a tool call finished. */
export interface ToolResultFrameData {
  callId: string
  name: string
  /** What the tool returned (or `{ error }`); truncated results come as the text the model saw. */
  output: unknown
  isError: boolean
  durationMs: number
}

/**
 * The `data` of an `approval_required` frame: the run paused before this tool call until an
 * approver decides (`POST /v1/executions/{id}/approvals`); `done` follows with
 * `status: awaiting_approval`.
 */
export interface ApprovalRequiredFrameData {
  callId: string
  name: string
  /** The validated arguments the approver approves, rejects or edits. */
  arguments: Record<string, unknown>
}

/** The `data` of an `error` frame: why the run failed, timed out or was cancelled. */
export interface ErrorFrameData {
  code: string
  message: string
  /** The failure is transient (rate limit, outage): running again later may succeed. */
  retryable?: boolean
}

/** A run's usage: tokens, cost, calls and wall-clock time. */
export interface RunUsage extends Usage {
  durationMs: number
}

/** The `data` of the `done` frame that ends every stream. */
export interface DoneFrameData {
  status: ExecutionStatus
  /** `null` when the run could not start. */
  stopReason: StopReason | null
  /** `null` when the run failed before an execution was created. */
  executionId: string | null
  /** Chat streams only. */
  sessionId?: string | null
  /** Chat streams only: turns in the session after this one. */
  turnCount?: number
  /** Invoke streams only: the output, and why it did not match the output schema if it did not. */
  result?: { output: unknown; validationErrors: ErrorDetail[] | null }
  /** `null` when the run could not start. */
  usage: RunUsage | null
}

/**
 * One event of a streamed run (`gw.stream()`), camelCase like the rest of the JS API. Over HTTP
 * the same frames go out as SSE with snake_case `data` (see `toWireFrame`).
 */
export type StreamFrame =
  | { event: 'session'; data: SessionFrameData }
  | { event: 'token'; data: { content: string } }
  | { event: 'tool_call'; data: ToolCallFrameData }
  | { event: 'tool_result'; data: ToolResultFrameData }
  | { event: 'approval_required'; data: ApprovalRequiredFrameData }
  | { event: 'error'; data: ErrorFrameData }
  | { event: 'done'; data: DoneFrameData }

/** A run's usage with its duration, as `done` frames and responses carry it. */
export function toRunUsage(result: ExecutionResult): RunUsage {
  return { ...result.usage, durationMs: result.durationMs }
}

/** Engine events that go on a stream (`llm_call` is a trace record, not a stream frame). */
export function toStreamFrame(event: EngineEvent): StreamFrame | undefined {
  switch (event.type) {
    case 'token':
      return { event: 'token', data: { content: event.content } }
    case 'tool_call':
      return {
        event: 'tool_call',
        data: { callId: event.callId, name: event.name, arguments: event.arguments },
      }
    case 'tool_result':
      return {
        event: 'tool_result',
        data: {
          callId: event.callId,
          name: event.name,
          output: event.output,
          isError: event.isError,
          durationMs: event.durationMs,
        },
      }
    case 'approval_required':
      return {
        event: 'approval_required',
        data: { callId: event.callId, name: event.name, arguments: event.arguments },
      }
    default:
      return undefined
  }
}

/** The `error` + `done` pair for a run that could not start or failed outside the engine. */
export function failureFrames(
  error: unknown,
  ids: { executionId: string | null; sessionId?: string | null },
): StreamFrame[] {
  const safe = toGatewayError(error)
  return [
    { event: 'error', data: { code: safe.code, message: safe.message } },
    {
      event: 'done',
      data: {
        status: 'failed',
        stopReason: null,
        executionId: ids.executionId,
        ...(ids.sessionId !== undefined ? { sessionId: ids.sessionId } : {}),
        usage: null,
      },
    },
  ]
}

export type StreamRequest =
  | { kind: 'invoke'; agentId: string; message: string; options: AsViewer<InvokeOptions> }
  | { kind: 'chat'; agentId: string; message: string; options: AsViewer<ChatOptions> }

/**
 * Runs an agent and yields its frames: `session`, then tokens and tool events, then `error`
 * (when the run failed) and always `done` last. Stopping the iteration cancels the run.
 */
export function streamRun(runner: AgentRunner, request: StreamRequest): AsyncIterable<StreamFrame> {
  const cancel = new AbortController()
  const channel = createEventChannel<StreamFrame>(() =>
    cancel.abort(new Error('the stream consumer went away')),
  )
  const signal = request.options.signal
    ? AbortSignal.any([request.options.signal, cancel.signal])
    : cancel.signal
  let ids: { executionId: string | null; sessionId: string | null } = { executionId: null, sessionId: null }
  const common = {
    ...request.options,
    signal,
    onStart: (started: { executionId: string; sessionId: string | undefined }) => {
      ids = { executionId: started.executionId, sessionId: started.sessionId ?? null }
      channel.push({
        event: 'session',
        data: {
          sessionId: started.sessionId ?? null,
          executionId: started.executionId,
          agentId: request.agentId,
        },
      })
    },
    onEvent: (event: EngineEvent) => {
      const frame = toStreamFrame(event)
      if (frame) channel.push(frame)
    },
  }
  const run: Promise<RunOutcome & { sessionId?: string; turnCount?: number }> =
    request.kind === 'chat'
      ? runner.chat(request.agentId, request.message, common)
      : runner.invoke(request.agentId, request.message, common)
  run.then(
    (outcome) => {
      if (outcome.result.error) channel.push({ event: 'error', data: { ...outcome.result.error } })
      channel.push({
        event: 'done',
        data: {
          status: outcome.status,
          stopReason: outcome.result.stopReason,
          executionId: outcome.executionId,
          ...(request.kind === 'chat'
            ? { sessionId: outcome.sessionId ?? null, turnCount: outcome.turnCount ?? 0 }
            : {}),
          ...(request.kind === 'invoke'
            ? { result: { output: outcome.result.output, validationErrors: outcome.result.validationErrors } }
            : {}),
          usage: toRunUsage(outcome.result),
        },
      })
      channel.close()
    },
    (error: unknown) => {
      for (const frame of failureFrames(error, {
        executionId: ids.executionId,
        ...(request.kind === 'chat' ? { sessionId: ids.sessionId } : {}),
      })) {
        channel.push(frame)
      }
      channel.close()
    },
  )
  return channel
}
