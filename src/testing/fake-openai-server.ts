import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { FakeRequest, FakeResponse } from './fake-openai-replies.ts'
import { type ChatCompletionRequestBody, toOpenAIErrorBody } from './openai-chat-wire.ts'
import { sendJson, writeFakeResponse } from './write-fake-response.ts'

/** Options for {@link createFakeOpenAIServer}. */
export interface FakeOpenAIServerOptions {
  /** Replies to queue up front, as if passed to `enqueue`. @default [] */
  responses?: FakeResponse[]
  /** The reply once the queue is empty. @default { kind: 'text', text: 'Hello from the fake model.' } */
  defaultResponse?: FakeResponse
}

/** A running fake of the OpenAI Chat Completions API on a loopback port. */
export interface FakeOpenAIServer {
  /** The API base URL to hand to a provider, e.g. `http://127.0.0.1:41234/v1`. */
  readonly baseUrl: string
  /** Every request received, in arrival order, including ones answered with 404. */
  readonly requests: readonly FakeRequest[]
  /** Queues replies for the next completion requests; each is used once, in order. */
  enqueue(...responses: FakeResponse[]): void
  /** Replaces the reply used once the queue is empty. */
  setDefault(response: FakeResponse): void
  /** Empties the queue and the recorded requests, and restores the default reply from the options. */
  reset(): void
  /** Stops listening and destroys open connections, hung ones included. Idempotent. */
  close(): Promise<void>
}

const completionsPath = '/v1/chat/completions'
const fallbackResponse: FakeResponse = { kind: 'text', text: 'Hello from the fake model.' }

/**
 * Starts a fake OpenAI-compatible server on `127.0.0.1` with an ephemeral port. It answers
 * `POST /v1/chat/completions` in the real wire format — JSON, or SSE chunks ending in
 * `data: [DONE]` when the body says `stream: true` — so tests drive the real AI SDK providers.
 * Each server owns its queue; nothing is shared between instances.
 *
 * @example
 * const server = await createFakeOpenAIServer()
 * server.enqueue({ kind: 'text', text: 'Bonjour' })
 * const model = createOpenAI({ baseURL: server.baseUrl, apiKey: 'test' }).chat('gpt-4o-mini')
 * // …
 * await server.close()
 */
export async function createFakeOpenAIServer(
  options: FakeOpenAIServerOptions = {},
): Promise<FakeOpenAIServer> {
  const initialDefault = options.defaultResponse ?? fallbackResponse
  let defaultResponse = initialDefault
  const queue: FakeResponse[] = [...(options.responses ?? [])]
  const requests: FakeRequest[] = []
  let completionCount = 0

  const handleRequest = async (request: IncomingMessage, response: ServerResponse) => {
    const raw = await readBody(request)
    const recorded: FakeRequest = {
      method: request.method ?? 'GET',
      path: new URL(request.url ?? '/', 'http://fake.invalid').pathname,
      headers: flattenHeaders(request.headers),
      body: parseBody(raw),
    }
    requests.push(recorded)

    if (recorded.method !== 'POST' || recorded.path !== completionsPath) {
      const message = `Invalid URL (${recorded.method} ${recorded.path})`
      return sendJson(response, 404, toOpenAIErrorBody(404, { message, code: null }))
    }
    if (recorded.body === undefined) {
      const message = 'We could not parse the JSON body of your request.'
      return sendJson(response, 400, toOpenAIErrorBody(400, { message }))
    }
    const next = queue.shift() ?? defaultResponse
    const spec = typeof next === 'function' ? await next(recorded) : next
    completionCount += 1
    await writeFakeResponse(response, spec, recorded.body, completionCount)
  }

  const server = createServer((request, response) => {
    handleRequest(request, response).catch((error: unknown) => {
      // A throwing responder becomes a 500 the client can see, rather than a silent hang.
      if (response.headersSent) return void response.destroy()
      const message = `Fake responder failed: ${error instanceof Error ? error.message : String(error)}`
      sendJson(response, 500, toOpenAIErrorBody(500, { message }))
    })
  })
  const port = await listenOnLoopback(server)

  let closing: Promise<void> | undefined
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue: (...responses) => void queue.push(...responses),
    setDefault: (response) => {
      defaultResponse = response
    },
    reset: () => {
      queue.length = 0
      requests.length = 0
      defaultResponse = initialDefault
    },
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        // close() alone waits for busy sockets; hung and streaming requests would keep it open.
        server.closeAllConnections()
      })
      return closing
    },
  }
}

function listenOnLoopback(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve((server.address() as AddressInfo).port)
    })
  })
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

function parseBody(raw: string): ChatCompletionRequestBody | undefined {
  try {
    const value: unknown = JSON.parse(raw)
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as ChatCompletionRequestBody)
      : undefined
  } catch {
    return undefined
  }
}

function flattenHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  const flat: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return flat
}
