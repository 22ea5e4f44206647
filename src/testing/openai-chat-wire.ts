/**
 * Pure builders for the OpenAI Chat Completions wire format, shaped after what the real API sends
 * and what `@ai-sdk/openai` and `@ai-sdk/openai-compatible` parse. No I/O here.
 */

/** A Chat Completions request body as a client sent it. Fields the fake does not read are kept. */
export interface ChatCompletionRequestBody {
  model?: string
  messages?: ChatCompletionMessage[]
  tools?: unknown[]
  tool_choice?: unknown
  stream?: boolean
  stream_options?: { include_usage?: boolean }
  [field: string]: unknown
}

/** One message of a Chat Completions request, loosely typed: it is whatever the client sent. */
export interface ChatCompletionMessage {
  role?: string
  content?: string | Array<{ type?: string; text?: string; [field: string]: unknown }> | null
  tool_calls?: Array<{ id?: string; type?: string; function?: { name?: string; arguments?: string } }>
  tool_call_id?: string
  [field: string]: unknown
}

/** What the assistant says in one completion: text, tool calls, or both. */
export interface CompletionReply {
  text: string | null
  toolCalls: WireToolCall[]
}

/** A tool call with its arguments already serialized, as the wire carries them. */
export interface WireToolCall {
  id: string
  name: string
  arguments: string
}

/** Token counts in the wire's snake_case. */
export interface WireUsage {
  prompt_tokens: number
  completion_tokens: number
  total_tokens: number
}

/** Identity shared by every object of one completion (the full object or all of its chunks). */
export interface CompletionIdentity {
  id: string
  model: string
  /** Unix seconds. */
  created: number
}

// Runs of letters/digits: a stable stand-in for tokens, so usage numbers are predictable in tests.
const wordPattern = /[\p{L}\p{N}_]+/gu

/** Counts words (runs of letters, digits and `_`); the fake's deterministic "token" count. */
export function countWords(text: string): number {
  return text.match(wordPattern)?.length ?? 0
}

function messageText(message: ChatCompletionMessage): string {
  const parts: string[] = []
  if (typeof message.content === 'string') parts.push(message.content)
  else if (Array.isArray(message.content)) {
    for (const part of message.content) if (typeof part?.text === 'string') parts.push(part.text)
  }
  if (Array.isArray(message.tool_calls)) {
    for (const call of message.tool_calls) {
      parts.push(call?.function?.name ?? '', call?.function?.arguments ?? '')
    }
  }
  return parts.join(' ')
}

/**
 * Usage for a reply: prompt tokens are the words of every request message (text parts and earlier
 * tool calls), completion tokens the words of the reply text plus each tool call's name and
 * arguments.
 */
export function toWireUsage(body: ChatCompletionRequestBody, reply: CompletionReply): WireUsage {
  const messages = Array.isArray(body.messages) ? body.messages : []
  const promptTokens = messages.reduce((sum, message) => sum + countWords(messageText(message ?? {})), 0)
  const completionTokens =
    countWords(reply.text ?? '') +
    reply.toolCalls.reduce((sum, call) => sum + countWords(`${call.name} ${call.arguments}`), 0)
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  }
}

function finishReason(reply: CompletionReply): 'stop' | 'tool_calls' {
  return reply.toolCalls.length > 0 ? 'tool_calls' : 'stop'
}

/** The non-streaming `chat.completion` object. */
export function toChatCompletion(identity: CompletionIdentity, reply: CompletionReply, usage: WireUsage) {
  const hasToolCalls = reply.toolCalls.length > 0
  return {
    id: identity.id,
    object: 'chat.completion',
    created: identity.created,
    model: identity.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: reply.text,
          refusal: null,
          ...(hasToolCalls && {
            // `arguments` is a JSON *string* on the wire, not an object.
            tool_calls: reply.toolCalls.map((call) => ({
              id: call.id,
              type: 'function',
              function: { name: call.name, arguments: call.arguments },
            })),
          }),
        },
        logprobs: null,
        finish_reason: finishReason(reply),
      },
    ],
    usage,
  }
}

/** Splits text into word-sized pieces that keep their trailing whitespace, so they rejoin exactly. */
export function splitText(text: string): string[] {
  return text.match(/\s+|\S+\s*/g) ?? []
}

/**
 * Splits serialized tool arguments into alternating runs of word and non-word characters, e.g.
 * `{"` `city` `":"` `Paris` `"}` — close to how the real API spreads them over chunks.
 */
export function splitArguments(json: string): string[] {
  return json.match(/[\p{L}\p{N}_]+|[^\p{L}\p{N}_]+/gu) ?? []
}

/** Options for {@link toChatCompletionChunks}. */
export interface ChunkOptions {
  /** Appends a usage chunk (`choices: []`), as the API does for `stream_options.include_usage`. */
  includeUsage: boolean
}

/**
 * The `chat.completion.chunk` objects of a streamed completion, in order, without the `[DONE]`
 * sentinel: a role chunk, text as several `delta.content` chunks, each tool call as a start chunk
 * (index, id, type, name, empty arguments) followed by argument pieces, a finish chunk, and the
 * usage chunk when asked for.
 */
export function toChatCompletionChunks(
  identity: CompletionIdentity,
  reply: CompletionReply,
  usage: WireUsage,
  options: ChunkOptions,
): object[] {
  const chunks: object[] = []
  const chunk = (delta: object, finish: string | null = null) => {
    chunks.push({
      id: identity.id,
      object: 'chat.completion.chunk',
      created: identity.created,
      model: identity.model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      // With include_usage the API puts `usage: null` on every chunk but the last.
      ...(options.includeUsage && { usage: null }),
    })
  }

  if (reply.text !== null) {
    chunk({ role: 'assistant', content: '', refusal: null })
    for (const piece of splitText(reply.text)) chunk({ content: piece })
  }
  reply.toolCalls.forEach((call, index) => {
    const opening = reply.text === null && index === 0 ? { role: 'assistant', content: null } : {}
    chunk({
      ...opening,
      tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }],
    })
    // Continuations carry only the index; `function` must still be an object for the parsers.
    for (const piece of splitArguments(call.arguments)) {
      chunk({ tool_calls: [{ index, function: { arguments: piece } }] })
    }
  })
  chunk({}, finishReason(reply))

  if (options.includeUsage) {
    chunks.push({
      id: identity.id,
      object: 'chat.completion.chunk',
      created: identity.created,
      model: identity.model,
      choices: [],
      usage,
    })
  }
  return chunks
}

/** One SSE frame as the API writes it: a `data:` line and a blank line, no event name or id. */
export function toSseData(data: object | '[DONE]'): string {
  return `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`
}

/** An OpenAI-style error body, `{ error: { message, type, param, code } }`. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null }
}

const errorDefaults: Record<number, { message: string; type: string; code: string | null }> = {
  400: { message: 'Invalid request.', type: 'invalid_request_error', code: null },
  401: { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' },
  403: {
    message: 'You are not allowed to sample from this model.',
    type: 'invalid_request_error',
    code: null,
  },
  404: { message: 'The model does not exist.', type: 'invalid_request_error', code: 'model_not_found' },
  429: {
    message: 'Rate limit reached for requests. Please try again later.',
    type: 'requests',
    code: 'rate_limit_exceeded',
  },
  503: { message: 'The engine is currently overloaded.', type: 'server_error', code: null },
}

/** The error body the real API would send for `status`; `overrides` replace its message or code. */
export function toOpenAIErrorBody(
  status: number,
  overrides: { message?: string; code?: string | null } = {},
): OpenAIErrorBody {
  const fallback = {
    message: 'The server had an error while processing your request.',
    type: status >= 500 ? 'server_error' : 'invalid_request_error',
    code: null,
  }
  const { message, type, code } = { ...(errorDefaults[status] ?? fallback), ...overrides }
  return { error: { message, type, param: null, code } }
}
