import type { ErrorDetail } from './errors.ts'

/** Why a run ended. */
export type StopReason =
  | 'completed'
  | 'max_iterations'
  | 'max_tool_calls'
  | 'timeout'
  | 'cancelled'
  | 'error'
  /** Paused before a tool call that needs a human's approval; resumed once decided. */
  | 'awaiting_approval'

/** Lifecycle of an execution record. */
export type ExecutionStatus =
  | 'queued'
  | 'running'
  /** Paused before a tool call until an approver decides (not terminal; no worker holds it). */
  | 'awaiting_approval'
  | 'completed'
  | 'failed'
  | 'cancelled'
  | 'timeout'

export const terminalStatuses: readonly ExecutionStatus[] = ['completed', 'failed', 'cancelled', 'timeout']

/** Guardrail stops still produced an answer; they count as completed executions. */
export function statusOf(stopReason: StopReason): ExecutionStatus {
  switch (stopReason) {
    case 'timeout':
      return 'timeout'
    case 'cancelled':
      return 'cancelled'
    case 'error':
      return 'failed'
    case 'awaiting_approval':
      return 'awaiting_approval'
    default:
      return 'completed'
  }
}

/** What a run consumed. */
export interface Usage {
  inputTokens: number
  outputTokens: number
  /** From `model.pricing` or the built-in price list; 0 for unknown models. */
  costUsd: number
  llmCalls: number
  toolCalls: number
  /** Every model called, fallback included, in order of first use. */
  modelsUsed: string[]
}

export function emptyUsage(): Usage {
  return { inputTokens: 0, outputTokens: 0, costUsd: 0, llmCalls: 0, toolCalls: 0, modelsUsed: [] }
}

/** The sum of two usages (a workflow's total); models in order of first use. */
export function addUsage(total: Usage, more: Usage): Usage {
  return {
    inputTokens: total.inputTokens + more.inputTokens,
    outputTokens: total.outputTokens + more.outputTokens,
    costUsd: total.costUsd + more.costUsd,
    llmCalls: total.llmCalls + more.llmCalls,
    toolCalls: total.toolCalls + more.toolCalls,
    modelsUsed: [...new Set([...total.modelsUsed, ...more.modelsUsed])],
  }
}

/** A failure of a run, safe to show to callers. */
export interface RunError {
  code:
    | 'model_error'
    | 'execution_error'
    | 'timeout'
    | 'cancelled'
    | 'shutting_down'
    | 'output_validation_failed'
    /** A queued execution failed its last allowed attempt and was dead-lettered. */
    | 'retries_exhausted'
    /** A retried run found a non-idempotent tool call unfinished, and the tool says to fail. */
    | 'tool_interrupted'
    /** A tool call waited for approval longer than `approvals.timeout_seconds`. */
    | 'approval_expired'
  message: string
  /** The failure is transient (rate limit, outage): running again later may succeed. */
  retryable?: boolean
}

/** How a run ended: its output, why it stopped, what it used. */
export interface ExecutionResult {
  /** Parsed JSON when the run had an output schema, else the final text. */
  output: unknown
  /** The model's final text, unparsed. */
  rawText: string
  stopReason: StopReason
  usage: Usage
  error: RunError | null
  /** Present when the output did not match the output schema after the correction retry. */
  validationErrors: ErrorDetail[] | null
  /** Wall-clock time of the run. */
  durationMs: number
}

/** A tool call the model asked for. */
export interface ToolCall {
  id: string
  name: string
  arguments: Record<string, unknown>
}

/** Conversation messages as the gateway stores them (provider-neutral, JSON-serializable). */
export type ChatMessage =
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; results: ToolResultMessage[] }

/** The result of one tool call, as the model reads it in the conversation. */
export interface ToolResultMessage {
  callId: string
  name: string
  /** What the model sees: the JSON or text result, truncated. */
  content: string
  isError: boolean
}

/** What happens during a run, in order. Streams and execution traces are built from these. */
export type EngineEvent =
  | { type: 'token'; content: string }
  | { type: 'tool_call'; callId: string; name: string; arguments: Record<string, unknown> }
  | {
      type: 'tool_result'
      callId: string
      name: string
      output: unknown
      isError: boolean
      durationMs: number
      /** What the handler printed (`context.captureOutput`), for the execution trace only. */
      logs?: { stdout?: string; stderr?: string } | undefined
    }
  | {
      type: 'retrieval'
      retriever: string
      query: string
      /** What was found (the text itself stays out of the trace). */
      passages: { source: string | null; score: number | null; chars: number }[]
      durationMs: number
      /** Why nothing was retrieved: not registered, failed or timed out. */
      error?: string
    }
  | {
      type: 'llm_call'
      model: string
      durationMs: number
      inputTokens: number
      outputTokens: number
      costUsd: number
      toolCalls: number
      text: string
      error?: string
    }
  | {
      /** The run pauses before this call until an approver decides (see `PendingApproval`). */
      type: 'approval_required'
      callId: string
      name: string
      arguments: Record<string, unknown>
    }
  | {
      /** A retried attempt starts: what it replays from the run journal instead of doing again. */
      type: 'replay'
      modelCalls: number
      toolCalls: number
    }

/** A model call as the run journal keeps it: what the model answered, in full. */
export interface JournaledModelCall {
  text: string
  toolCalls: { id: string; name: string; input: string }[]
  inputTokens: number
  outputTokens: number
  model: string
  costUsd: number
}

/**
 * One entry of an execution's run journal: what a step of a run did, kept in full so a retried
 * attempt replays it instead of doing it again. `step` counts the run's model steps from 0; a
 * tool call is identified by its step and the model's call id.
 */
export type RunJournalEntry =
  | { kind: 'model_call'; step: number; call: JournaledModelCall }
  | { kind: 'tool_started'; step: number; callId: string; name: string }
  | { kind: 'tool_result'; step: number; result: ToolResultMessage }
  | {
      /** An approver's decision on a call that needed approval. */
      kind: 'approval'
      step: number
      callId: string
      decision: 'approved' | 'rejected'
      /** Edited arguments the call runs with instead of the model's (validated). */
      arguments?: Record<string, unknown> | undefined
      /** Why it was rejected; the model reads it as the tool's result. */
      reason?: string | undefined
      /** Principal id of the approver; `null` for an unauthenticated or the host's own call. */
      decidedBy: string | null
    }

/** A tool call a paused run waits on: what an approver approves, rejects or edits. */
export interface PendingApproval {
  step: number
  callId: string
  toolName: string
  /** The model's arguments, already validated against the tool's parameters. */
  arguments: Record<string, unknown>
  requestedAt: number
  /** When the request expires into `failed` with `approval_expired` (epoch ms). */
  expiresAt: number
  /** Who the resumed run acts as (the submitter's job identity, opaque JSON). */
  resumeAs: unknown
}

/** A stored journal entry with its place and the attempt that wrote it. */
export interface RunJournalRecord {
  /** 1, 2, 3… within the execution. */
  sequence: number
  attempt: number
  entry: RunJournalEntry
  createdAt: number
}
