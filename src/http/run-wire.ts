import type { ChatOutcome, RunOutcome } from '../services/agent-runner.ts'
import { type DoneFrameData, type RunUsage, type StreamFrame, toRunUsage } from '../services/run-stream.ts'

/*
 * The JS API speaks camelCase; the HTTP API (JSON bodies, SSE data, CLI JSON) speaks
 * snake_case. Every run-shaped value crosses that line here and nowhere else. The renaming is
 * written out key by key rather than done by a generic key converter: `output`, tool
 * `arguments` and tool results are the user's own JSON and keep their keys as they are.
 */

/** `usage` in responses and `done` frames. */
export interface UsageWire {
  input_tokens: number
  output_tokens: number
  cost_usd: number
  llm_calls: number
  tool_calls: number
  models_used: string[]
  duration_ms: number
}

/** An SSE frame as it goes on the wire: the event name and its snake_case `data`. */
export interface WireFrame {
  event: StreamFrame['event']
  data: Record<string, unknown>
}

/** A run's usage on the wire; cost rounded to 8 decimals (no float noise like 1.0000000000000002e-7). */
export function toUsageWire(usage: RunUsage): UsageWire {
  return {
    input_tokens: usage.inputTokens,
    output_tokens: usage.outputTokens,
    cost_usd: Number(usage.costUsd.toFixed(8)),
    llm_calls: usage.llmCalls,
    tool_calls: usage.toolCalls,
    models_used: usage.modelsUsed,
    duration_ms: usage.durationMs,
  }
}

/** The run part shared by invoke and chat responses. */
export function toRunBody(outcome: RunOutcome) {
  return {
    execution_id: outcome.executionId,
    agent_id: outcome.agentId,
    status: outcome.status,
    stop_reason: outcome.result.stopReason,
    result: {
      output: outcome.result.output,
      raw_text: outcome.result.rawText,
      validation_errors: outcome.result.validationErrors,
    },
    usage: toUsageWire(toRunUsage(outcome.result)),
    error: outcome.result.error,
  }
}

/** A chat response: the run plus the session to continue. */
export function toChatBody(outcome: ChatOutcome) {
  return { ...toRunBody(outcome), session_id: outcome.sessionId, turn_count: outcome.turnCount }
}

function toDoneWire(data: DoneFrameData): Record<string, unknown> {
  return {
    status: data.status,
    stop_reason: data.stopReason,
    execution_id: data.executionId,
    ...(data.sessionId !== undefined ? { session_id: data.sessionId } : {}),
    ...(data.turnCount !== undefined ? { turn_count: data.turnCount } : {}),
    ...(data.result
      ? { result: { output: data.result.output, validation_errors: data.result.validationErrors } }
      : {}),
    usage: data.usage ? toUsageWire(data.usage) : null,
  }
}

/** A stream frame as SSE sends it (see docs/streaming.md for the wire format). */
export function toWireFrame(frame: StreamFrame): WireFrame {
  switch (frame.event) {
    case 'session':
      return {
        event: 'session',
        data: {
          session_id: frame.data.sessionId,
          execution_id: frame.data.executionId,
          agent_id: frame.data.agentId,
        },
      }
    case 'token':
      return { event: 'token', data: { content: frame.data.content } }
    case 'tool_call':
      return {
        event: 'tool_call',
        data: { call_id: frame.data.callId, name: frame.data.name, arguments: frame.data.arguments },
      }
    case 'tool_result':
      return {
        event: 'tool_result',
        data: {
          call_id: frame.data.callId,
          name: frame.data.name,
          output: frame.data.output,
          is_error: frame.data.isError,
          duration_ms: frame.data.durationMs,
        },
      }
    case 'approval_required':
      return {
        event: 'approval_required',
        data: { call_id: frame.data.callId, name: frame.data.name, arguments: frame.data.arguments },
      }
    case 'error':
      return { event: 'error', data: { ...frame.data } }
    case 'done':
      return { event: 'done', data: toDoneWire(frame.data) }
  }
}
