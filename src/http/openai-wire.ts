import { GatewayError } from '../core/errors.ts'
import {
  type ChatMessage,
  type ExecutionResult,
  type StopReason,
  statusOf,
  type ToolCall,
} from '../core/execution-types.ts'
import type { JsonSchema } from '../core/workspace/tool-parameters.ts'

/** One message of an OpenAI chat completions request, as far as the gateway reads it. */
export interface OpenAIRequestMessage {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool'
  content?: string | { type: string; text?: string | undefined }[] | null | undefined
  tool_calls?: { id: string; function: { name: string; arguments: string } }[] | undefined
  tool_call_id?: string | undefined
}

/** An OpenAI `response_format`. */
export type OpenAIResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: { name: string; schema?: Record<string, unknown> | undefined } }

/** A chat completions request turned into one agent turn. */
export interface OpenAIConversation {
  /** Everything before the last user message, in the gateway's message form. */
  history: ChatMessage[]
  /** The last user message: the turn. */
  message: string
  /** The `system` and `developer` messages, joined: the caller's instructions for this run. */
  instructions: string | undefined
}

function textOf(message: OpenAIRequestMessage, index: number): string {
  const content = message.content
  if (content === undefined || content === null) return ''
  if (typeof content === 'string') return content
  return content
    .map((part, partIndex) => {
      if (part.type === 'text' && typeof part.text === 'string') return part.text
      throw new GatewayError('validation_failed', {
        message: `Content parts of type "${part.type}" are not supported; send text.`,
        details: [
          { path: `/body/messages/${index}/content/${partIndex}`, message: 'only text parts are supported' },
        ],
      })
    })
    .join('')
}

function parseArguments(text: string, path: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(text) as unknown
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>
  } catch {
    // reported below
  }
  throw new GatewayError('validation_failed', {
    details: [{ path, message: 'tool call arguments must be a JSON object' }],
  })
}

/**
 * Turns an OpenAI `messages` array into one turn: the last message must come from the user; the
 * ones before it become the history (user, assistant with its tool calls, tool results), and
 * `system`/`developer` messages become the caller's instructions wherever they stand.
 */
export function toConversation(messages: readonly OpenAIRequestMessage[]): OpenAIConversation {
  const last = messages.at(-1)
  if (last?.role !== 'user') {
    throw new GatewayError('validation_failed', {
      message: 'The last message must have the role "user": it is the turn the agent answers.',
      details: [
        { path: `/body/messages/${Math.max(0, messages.length - 1)}/role`, message: 'must be "user"' },
      ],
    })
  }
  const instructions: string[] = []
  const history: ChatMessage[] = []
  const toolNames = new Map<string, string>()
  messages.slice(0, -1).forEach((message, index) => {
    const text = textOf(message, index)
    switch (message.role) {
      case 'system':
      case 'developer':
        if (text.trim()) instructions.push(text)
        return
      case 'user':
        history.push({ role: 'user', content: text })
        return
      case 'assistant': {
        const toolCalls: ToolCall[] = (message.tool_calls ?? []).map((call, callIndex) => {
          toolNames.set(call.id, call.function.name)
          return {
            id: call.id,
            name: call.function.name,
            arguments: parseArguments(
              call.function.arguments,
              `/body/messages/${index}/tool_calls/${callIndex}/function/arguments`,
            ),
          }
        })
        history.push(
          toolCalls.length > 0
            ? { role: 'assistant', content: text, toolCalls }
            : { role: 'assistant', content: text },
        )
        return
      }
      case 'tool': {
        const callId = message.tool_call_id ?? ''
        const result = { callId, name: toolNames.get(callId) ?? 'tool', content: text, isError: false }
        const previous = history.at(-1)
        if (previous?.role === 'tool') previous.results.push(result)
        else history.push({ role: 'tool', results: [result] })
        return
      }
    }
  })
  return {
    history,
    message: textOf(last, messages.length - 1),
    instructions: instructions.length > 0 ? instructions.join('\n\n') : undefined,
  }
}

/** The JSON Schema a `response_format` asks for; `undefined` for text (the agent's own applies). */
export function responseFormatSchema(
  format: OpenAIResponseFormat | null | undefined,
): JsonSchema | undefined {
  if (!format || format.type === 'text') return undefined
  if (format.type === 'json_object') return { type: 'object' }
  return (format.json_schema.schema ?? { type: 'object' }) as JsonSchema
}

/** OpenAI's `finish_reason` for how the run ended: guardrail stops read as `length`. */
export function finishReasonOf(stopReason: StopReason): 'stop' | 'length' {
  return stopReason === 'max_iterations' || stopReason === 'max_tool_calls' ? 'length' : 'stop'
}

/** The answer as message content: the text, or the structured output as JSON text. */
export function contentOf(result: ExecutionResult, structured: boolean): string {
  if (structured) {
    // An answer that still did not match after the correction is passed on as the model wrote it.
    const valid = result.validationErrors === null && result.output !== null && result.output !== undefined
    return valid ? JSON.stringify(result.output) : result.rawText
  }
  return typeof result.output === 'string' ? result.output : result.rawText
}

/** OpenAI's `usage` from the run's usage. */
export function toOpenAIUsage(result: ExecutionResult): {
  prompt_tokens: number
  completion_tokens: number
  total_tokens: number
} {
  const { inputTokens, outputTokens } = result.usage
  return {
    prompt_tokens: inputTokens,
    completion_tokens: outputTokens,
    total_tokens: inputTokens + outputTokens,
  }
}

/**
 * The error for a run that did not complete (failed, timed out, cancelled): OpenAI clients expect
 * an error, not a 200 with an empty answer. The execution id travels with it.
 */
export function runFailure(result: ExecutionResult, executionId: string): GatewayError | undefined {
  if (statusOf(result.stopReason) === 'completed') return undefined
  const error = result.error ?? { code: 'execution_error', message: 'The execution failed.' }
  const status = error.code === 'model_error' ? 502 : error.code === 'timeout' ? 504 : 500
  return new GatewayError(error.code === 'model_error' ? 'model_error' : 'execution_error', {
    message: error.message,
    status,
    executionId,
  })
}

/** A finished run as an OpenAI `chat.completion` (its `id` is the execution id). */
export function toCompletion(
  outcome: { executionId: string; result: ExecutionResult },
  options: { model: string; structured: boolean },
) {
  return {
    id: outcome.executionId,
    object: 'chat.completion' as const,
    created: Math.floor(Date.now() / 1000),
    model: options.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant' as const,
          content: contentOf(outcome.result, options.structured),
          refusal: null,
        },
        finish_reason: finishReasonOf(outcome.result.stopReason),
        logprobs: null,
      },
    ],
    usage: toOpenAIUsage(outcome.result),
  }
}
