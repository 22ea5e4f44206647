/** Headers every event stream carries: no buffering by proxies, no compression by hosts. */
export const sseHeaders: Readonly<Record<string, string>> = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
}

/** Writes events into an open stream. */
export interface SseSink {
  /**
   * Sends `id: <n>\nevent: <type>\ndata: <json>\n\n`; ignored once the client has gone. Ids count
   * up by one unless `id` is given (it must be greater than the last one).
   */
  send(event: string, data: unknown, id?: number): void
  /**
   * Sends text as is (one `data:` line per line), for consumers that want HTML rather than JSON
   * (the dashboard's htmx SSE extension).
   */
  sendText(event: string, text: string, id?: number): void
  /**
   * Sends a bare `data: <text>\n\n` frame, without id or event name, for wire formats that
   * define their own framing (OpenAI's `chat.completion.chunk` stream and its `[DONE]`).
   * `text` must be a single line (JSON is).
   */
  sendData(text: string): void
  /** Aborted when the client disconnects (or the stream is closed). */
  readonly signal: AbortSignal
  readonly closed: boolean
  /** The id of the last event sent. */
  readonly lastId: number
}

export interface SseResponseOptions {
  /** Writes the events; the stream closes when it settles. */
  run: (sink: SseSink) => Promise<void>
  /** Milliseconds between `: keepalive` comments. */
  keepaliveMs: number
  /** Ids continue after this one (for `Last-Event-ID` resumption). @default 0 */
  startId?: number
  status?: number
  headers?: Record<string, string>
  /** The request's signal; its abort means the client went away. */
  requestSignal?: AbortSignal
  /** Called with an error `run` threw, after the stream closed. */
  onError?: (error: unknown) => void
}

const encoder = new TextEncoder()

/** Formats one SSE frame whose data is text: each line of it becomes a `data:` line. */
export function formatSseTextFrame(id: number, event: string, text: string): string {
  const lines = text.split(/\r\n|\r|\n/).map((line) => `data: ${line}`)
  return `id: ${id}\nevent: ${event}\n${lines.join('\n')}\n\n`
}

/** Formats one SSE frame. JSON never holds a raw newline, so `data` is always a single line. */
export function formatSseFrame(id: number, event: string, data: unknown): string {
  return `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`
}

/**
 * A `text/event-stream` response fed by `run`. Keepalive comments flow while it runs; a client
 * disconnect aborts `sink.signal` and stops the writer (what the run does then is the caller's
 * choice).
 */
export function sseResponse(options: SseResponseOptions): Response {
  const disconnect = new AbortController()
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined
  let closed = false
  let lastId = options.startId ?? 0
  let keepalive: ReturnType<typeof setInterval> | undefined

  const write = (text: string) => {
    if (closed || !controller) return
    try {
      controller.enqueue(encoder.encode(text))
    } catch {
      finish()
    }
  }
  const finish = () => {
    if (closed) return
    closed = true
    if (keepalive) clearInterval(keepalive)
    options.requestSignal?.removeEventListener('abort', onClientAbort)
    try {
      controller?.close()
    } catch {
      // already closed by a cancel
    }
  }
  const onClientAbort = () => {
    disconnect.abort(new Error('client disconnected'))
    finish()
  }

  const sink: SseSink = {
    send(event, data, id) {
      if (closed) return
      lastId = id !== undefined && id > lastId ? id : lastId + 1
      write(formatSseFrame(lastId, event, data))
    },
    sendText(event, text, id) {
      if (closed) return
      lastId = id !== undefined && id > lastId ? id : lastId + 1
      write(formatSseTextFrame(lastId, event, text))
    },
    sendData(text) {
      write(`data: ${text}\n\n`)
    },
    signal: disconnect.signal,
    get closed() {
      return closed
    },
    get lastId() {
      return lastId
    },
  }

  const stream = new ReadableStream<Uint8Array>({
    start(streamController) {
      controller = streamController
      if (options.requestSignal?.aborted) {
        onClientAbort()
        return
      }
      options.requestSignal?.addEventListener('abort', onClientAbort, { once: true })
      keepalive = setInterval(() => write(': keepalive\n\n'), options.keepaliveMs)
      keepalive.unref?.()
      options.run(sink).then(finish, (error: unknown) => {
        finish()
        options.onError?.(error)
      })
    },
    cancel() {
      onClientAbort()
    },
  })
  return new Response(stream, {
    status: options.status ?? 200,
    headers: { ...sseHeaders, ...options.headers },
  })
}
