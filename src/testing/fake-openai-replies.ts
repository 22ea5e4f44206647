import type { ChatCompletionRequestBody } from './openai-chat-wire.ts'

/** A reply of plain assistant text. Streamed requests get it as several `delta.content` chunks. */
export interface FakeTextResponse {
  kind: 'text'
  text: string
  /** Milliseconds before each streamed chunk after the first; a non-streamed reply waits the same total. @default 0 */
  chunkDelayMs?: number
}

/** One tool call the fake model makes. */
export interface FakeToolCall {
  /** The tool (function) name. */
  name: string
  /** The arguments; serialized to the JSON string the wire carries. */
  arguments: Record<string, unknown>
  /** The call id. @default `call_<completion number>_<index>` */
  id?: string
}

/** A reply that calls tools, with `finish_reason: "tool_calls"` and no text. */
export interface FakeToolCallsResponse {
  kind: 'tool_calls'
  calls: FakeToolCall[]
  /** As for {@link FakeTextResponse.chunkDelayMs}. @default 0 */
  chunkDelayMs?: number
}

/**
 * An HTTP error instead of a completion, e.g. `{ kind: 'error', status: 429, headers: { 'retry-after': '1' } }`.
 * The AI SDK turns it into an `APICallError` (retryable for 408, 409, 429 and 5xx).
 */
export interface FakeErrorResponse {
  kind: 'error'
  status: number
  /** A string is sent as is; anything else as JSON. @default an OpenAI-style `{ error: { message, type, param, code } }` for the status */
  body?: unknown
  /** Extra response headers, e.g. `retry-after`. */
  headers?: Record<string, string>
}

/**
 * Accepts the request and never answers. The connection ends only when the client aborts or the
 * server closes — for timeout and cancellation tests.
 */
export interface FakeHangResponse {
  kind: 'hang'
}

/** A fixed scripted reply. */
export type FakeResponseSpec = FakeTextResponse | FakeToolCallsResponse | FakeErrorResponse | FakeHangResponse

/** Chooses a reply from the request, for behaviour that depends on what the client sent. */
export type FakeResponder = (request: FakeRequest) => FakeResponseSpec | Promise<FakeResponseSpec>

/**
 * What the server answers with: a scripted reply or a function choosing one.
 *
 * @example
 * server.enqueue(
 *   { kind: 'tool_calls', calls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] },
 *   (request) => ({ kind: 'text', text: `You sent ${request.body?.messages?.length} messages.` }),
 * )
 */
export type FakeResponse = FakeResponseSpec | FakeResponder

/** A request the server received, recorded before it was answered. */
export interface FakeRequest {
  method: string
  /** The path without the query string, e.g. `/v1/chat/completions`. */
  path: string
  /** Lower-cased names; repeated headers joined with `, `. */
  headers: Record<string, string>
  /** The parsed JSON body; `undefined` when there was none or it was not a JSON object. */
  body: ChatCompletionRequestBody | undefined
}
