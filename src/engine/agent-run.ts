import type { LanguageModelV4FunctionTool } from '@ai-sdk/provider'
import type { ErrorDetail } from '../core/errors.ts'
import type {
  ChatMessage,
  EngineEvent,
  ExecutionResult,
  RunError,
  StopReason,
  Usage,
} from '../core/execution-types.ts'
import { emptyUsage } from '../core/execution-types.ts'
import type { AgentDefinition } from '../core/workspace/model.ts'
import type { JsonSchema } from '../core/workspace/tool-parameters.ts'
import type { RegisteredTool, ToolContext } from '../tools/tool-types.ts'
import type { ApprovalRequest } from './approval-gate.ts'
import type { ModelCaller } from './create-model-caller.ts'
import type { EngineDependencies } from './engine-dependencies.ts'
import type { Replay, RunJournal } from './run-replay.ts'

/** What an agent asks of another one through the `delegate_to_agent` tool. */
export interface DelegationRequest {
  agentId: string
  message: string
  input: Record<string, unknown>
  /** The tool call's signal: the child run stops when the parent's run does. */
  signal: AbortSignal
}

/**
 * Runs a delegated request as a child execution and returns what the calling model sees (the
 * child's execution id, status and output); throws, with a message for the model, when the
 * delegation is refused.
 */
export type DelegateFunction = (request: DelegationRequest) => Promise<Record<string, unknown>>

/** One run of an agent, as the services ask for it. */
export interface RunAgentRequest {
  agent: AgentDefinition
  /** Earlier conversation turns (chat); empty for invoke. */
  history: readonly ChatMessage[]
  /** The new user turn, already including any structured input block. */
  userMessage: string
  /** Structured input, handed to workflows. */
  input: Readonly<Record<string, unknown>>
  outputSchema: JsonSchema | null
  /**
   * Extra instructions for this run — a schedule's `instructions`, the `system` messages of an
   * OpenAI-style request — added to the system prompt after the agent's own layers. Never stored
   * with a session.
   */
  instructions?: string | null | undefined
  executionId: string
  sessionId: string | undefined
  principal: ToolContext['principal']
  /**
   * The user's setup of a personal agent: its instructions go into the prompt as a delimited
   * section, its values (secrets included) only to tools as `context.userConfig`.
   */
  personal?:
    | {
        values: Readonly<Record<string, unknown>>
        instructions: string | null
        /** The sensitive values as text, removed from tool errors like configured secrets. */
        secretTexts: readonly string[]
      }
    | undefined
  /** Offered as the `delegate_to_agent` tool when the agent lists `delegates_to`. */
  delegate?: DelegateFunction | undefined
  /** Overall time limit of the run. */
  timeoutMs: number
  /** Aborting it cancels the run cooperatively. */
  signal?: AbortSignal | undefined
  onEvent?: ((event: EngineEvent) => void) | undefined
  /**
   * Keeps every step in full and holds what earlier attempts kept: recorded model calls and
   * tool results are replayed instead of being made again. Without it nothing is kept.
   */
  journal?: RunJournal | undefined
}

/** What a run produced. */
export interface RunAgentOutcome {
  result: ExecutionResult
  /** The call a run stopped with `awaiting_approval` waits on. */
  approval?: ApprovalRequest | undefined
  /** The messages this turn added (user, assistant, tool), safe to append to a session. */
  messages: ChatMessage[]
}

/**
 * What stays fixed for the whole run, set up once before the first step: limits, the combined
 * signal, the system prompt, the tools and the model caller.
 */
export interface AgentRun {
  deps: EngineDependencies
  request: RunAgentRequest
  limits: { maxIterations: number; maxToolCalls: number }
  /** Cancellation and the run's time limit together. */
  signal: AbortSignal
  emit: (event: EngineEvent) => void
  system: string
  /** The tools the model may call, by name. */
  tools: ReadonlyMap<string, RegisteredTool>
  /** The same tools as the model is told about them. */
  modelTools: LanguageModelV4FunctionTool[]
  callModel: ModelCaller
  /** What earlier attempts recorded, replayed instead of being done again. */
  replay: Replay
}

/**
 * What the steps of a run change as it goes. Everything a step does to the run is written here,
 * so a step's effect can be recorded and replayed.
 */
export interface RunState {
  /** This turn's messages so far, starting with the user's. */
  messages: ChatMessage[]
  usage: Usage
  /** Model steps taken so far (replayed ones included); the next step's number. */
  modelSteps: number
  /** Tool calls run so far (refused ones not counted). */
  toolCallsTotal: number
  /** The one structured-output correction has been asked for. */
  corrected: boolean
  /** The text of the latest model step. */
  finalText: string
  output: unknown
  validationErrors: ErrorDetail[] | null
}

/** How the run ended; a `runError` for failures, timeouts and cancellations. */
export interface RunStop {
  stopReason: StopReason
  runError: RunError | null
  /** The call the run paused on (`awaiting_approval`). */
  approval?: ApprovalRequest | undefined
}

/** The state before the first step: only the user's message. */
export function createRunState(userMessage: string): RunState {
  return {
    messages: [{ role: 'user', content: userMessage }],
    usage: emptyUsage(),
    modelSteps: 0,
    toolCallsTotal: 0,
    corrected: false,
    finalText: '',
    output: null,
    validationErrors: null,
  }
}
