import type { ServerResponse } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FakeErrorResponse, FakeResponseSpec } from './fake-openai-replies.ts'
import {
  type ChatCompletionRequestBody,
  type CompletionReply,
  toChatCompletion,
  toChatCompletionChunks,
  toOpenAIErrorBody,
  toSseData,
  toWireUsage,
} from './openai-chat-wire.ts'

/**
 * Answers one chat completion request with a scripted reply: JSON, or SSE when the body asked for
 * `stream: true`. Resolves once the reply is written, the client went away, or — for `hang` —
 * immediately, leaving the response open until its socket is destroyed.
 */
export async function writeFakeResponse(
  response: ServerResponse,
  spec: FakeResponseSpec,
  body: ChatCompletionRequestBody,
  completionNumber: number,
): Promise<void> {
  if (spec.kind === 'hang') return
  if (spec.kind === 'error') return sendError(response, spec)

  const reply: CompletionReply =
    spec.kind === 'text'
      ? { text: spec.text, toolCalls: [] }
      : {
          text: null,
          toolCalls: spec.calls.map((call, index) => ({
            id: call.id ?? `call_${completionNumber}_${index}`,
            name: call.name,
            arguments: JSON.stringify(call.arguments),
          })),
        }
  const identity = {
    id: `chatcmpl-fake-${completionNumber}`,
    model: typeof body.model === 'string' ? body.model : 'fake-model',
    created: Math.floor(Date.now() / 1000),
  }
  const usage = toWireUsage(body, reply)
  const includeUsage = body.stream_options?.include_usage === true
  const chunks = toChatCompletionChunks(identity, reply, usage, { includeUsage })
  const delayMs = spec.chunkDelayMs ?? 0
  const clientGone = abortOnClose(response)

  if (body.stream !== true) {
    if (delayMs > 0 && !(await pause(delayMs * (chunks.length - 1), clientGone))) return
    return sendJson(response, 200, toChatCompletion(identity, reply, usage))
  }

  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' })
  for (const [index, chunk] of chunks.entries()) {
    if (index > 0 && delayMs > 0 && !(await pause(delayMs, clientGone))) return
    if (clientGone.aborted) return
    response.write(toSseData(chunk))
  }
  response.end(toSseData('[DONE]'))
}

/** Ends the response with a JSON body. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  })
  response.end(text)
}

function sendError(response: ServerResponse, spec: FakeErrorResponse): void {
  const body = spec.body ?? toOpenAIErrorBody(spec.status)
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  response.writeHead(spec.status, {
    'content-type': 'application/json',
    ...spec.headers,
    'content-length': Buffer.byteLength(text),
  })
  response.end(text)
}

function abortOnClose(response: ServerResponse): AbortSignal {
  const controller = new AbortController()
  // The client may already have gone while the body was read or a responder ran.
  if (response.destroyed || response.socket?.destroyed !== false) controller.abort()
  else response.once('close', () => controller.abort())
  return controller.signal
}

/** Waits `ms`; false when the client went away first. */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal })
    return true
  } catch {
    return false
  }
}
