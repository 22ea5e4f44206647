import { GatewayError } from '../core/errors.ts'
import type { EngineEvent, ExecutionResult } from '../core/execution-types.ts'
import type { AgentRunner, AsViewer, ChatOptions, InvokeOptions, RunOutcome } from './agent-runner.ts'
import { createEventChannel } from './event-channel.ts'

/** The events of a streamed run, as they go on the wire (SSE `event:` + `data:`). */
export type StreamFrame =
  | { event: 'session'; data: { session_id: string | null; execution_id: string; agent_id: string } }
  | { event: 'token'; data: { content: string } }
  | { event: 'tool_call'; data: { call_id: string; name: string; arguments: Record<string, unknown> } }
  | {
      event: 'tool_result'
      data: { call_id: string; name: string; output: unknown; is_error: boolean; duration_ms: number }
    }
  | { event: 'error'; data: { code: string; message: string } }
  | { event: 'done'; data: DoneFrame }

export interface DoneFrame {
  status: string
  stop_reason: string | null
  execution_id: string | null
  session_id?: string | null
  turn_count?: number
  result?: { output: unknown; validation_errors: unknown } | undefined
  usage: UsageWire | null
}

export interface UsageWire {
  input_tokens: number
  output_tokens: number
  cost_usd: number
  llm_calls: number
  tool_calls: number
  models_used: string[]
  duration_ms: number
}

export function toUsageWire(result: ExecutionResult): UsageWire {
  return {
    input_tokens: result.usage.inputTokens,
    output_tokens: result.usage.outputTokens,
    cost_usd: Number(result.usage.costUsd.toFixed(8)),
    llm_calls: result.usage.llmCalls,
    tool_calls: result.usage.toolCalls,
    models_used: result.usage.modelsUsed,
    duration_ms: result.durationMs,
  }
}

/** Engine events that go on a stream (`llm_call` is a trace record, not a stream frame). */
export function toStreamFrame(event: EngineEvent): StreamFrame | undefined {
  switch (event.type) {
    case 'token':
      return { event: 'token', data: { content: event.content } }
    case 'tool_call':
      return {
        event: 'tool_call',
        data: { call_id: event.callId, name: event.name, arguments: event.arguments },
      }
    case 'tool_result':
      return {
        event: 'tool_result',
        data: {
          call_id: event.callId,
          name: event.name,
          output: event.output,
          is_error: event.isError,
          duration_ms: event.durationMs,
        },
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
  const safe = error instanceof GatewayError ? error : new GatewayError('internal_error')
  return [
    { event: 'error', data: { code: safe.code, message: safe.message } },
    {
      event: 'done',
      data: {
        status: 'failed',
        stop_reason: null,
        execution_id: ids.executionId,
        ...(ids.sessionId !== undefined ? { session_id: ids.sessionId } : {}),
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
          session_id: started.sessionId ?? null,
          execution_id: started.executionId,
          agent_id: request.agentId,
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
          stop_reason: outcome.result.stopReason,
          execution_id: outcome.executionId,
          ...(request.kind === 'chat'
            ? { session_id: outcome.sessionId ?? null, turn_count: outcome.turnCount ?? 0 }
            : {}),
          ...(request.kind === 'invoke'
            ? {
                result: { output: outcome.result.output, validation_errors: outcome.result.validationErrors },
              }
            : {}),
          usage: toUsageWire(outcome.result),
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
