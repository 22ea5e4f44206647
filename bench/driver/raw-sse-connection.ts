import { connect, type Socket } from 'node:net'

/** What one streamed response looked like on the wire. */
export interface StreamObservation {
  status: number
  /** Status line and headers, with the blank line that ends them. */
  headerBytes: number
  /** Body bytes as received: chunked framing included. */
  bodyBytes: number
  /** Count of events by type (`token`, `done`…). */
  events: Map<string, number>
  /** `performance.now()` when the request was written, the first token arrived, the body ended. */
  sentAt: number
  firstTokenAt: number | undefined
  endedAt: number | undefined
  /** Arrival times of `: keepalive` comments. */
  keepalives: number[]
}

interface PendingRequest {
  observation: StreamObservation
  request: SseRequest
  finish: (error?: Error) => void
}

export interface SseRequest {
  path: string
  body: string
  /** Called once the response's `session` event has arrived. */
  onSession?: () => void
}

/**
 * One keep-alive HTTP/1.1 connection that sends POSTs and reads event-stream answers byte by
 * byte, so the bytes on the wire can be counted exactly — an HTTP client library would hide
 * the chunked framing. Responses are read in full (chunked or with Content-Length).
 */
export class RawSseConnection {
  readonly #socket: Socket
  readonly #host: string
  #buffer: Buffer = Buffer.alloc(0)
  #current: PendingRequest | undefined
  #phase: 'headers' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailer' | 'fixed' = 'headers'
  #remaining = 0
  #text = ''
  #closed = false

  private constructor(socket: Socket, host: string) {
    this.#socket = socket
    this.#host = host
    socket.on('data', (data: Buffer) => this.#receive(data))
    socket.on('close', () => {
      this.#closed = true
      this.#current?.finish(new Error('connection closed'))
    })
    socket.on('error', () => undefined)
  }

  /** Opens a connection to `host:port`. */
  static open(host: string, port: number): Promise<RawSseConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port, noDelay: true })
      socket.once('connect', () => {
        socket.off('error', reject)
        resolve(new RawSseConnection(socket, `${host}:${port}`))
      })
      socket.once('error', reject)
    })
  }

  get closed(): boolean {
    return this.#closed
  }

  /** The response being received, filled in as its bytes arrive. */
  get inFlight(): StreamObservation | undefined {
    return this.#current?.observation
  }

  /** Sends one request and resolves when its whole response has arrived. */
  request(request: SseRequest): Promise<StreamObservation> {
    if (this.#current) throw new Error('one request at a time')
    const observation: StreamObservation = {
      status: 0,
      headerBytes: 0,
      bodyBytes: 0,
      events: new Map(),
      sentAt: performance.now(),
      firstTokenAt: undefined,
      endedAt: undefined,
      keepalives: [],
    }
    return new Promise((resolve, reject) => {
      this.#current = {
        observation,
        request,
        finish: (error) => {
          this.#current = undefined
          if (error) reject(error)
          else resolve(observation)
        },
      }
      if (this.#closed) return this.#current.finish(new Error('connection closed'))
      const body = Buffer.from(request.body)
      this.#socket.write(
        `POST ${request.path} HTTP/1.1\r\nHost: ${this.#host}\r\nContent-Type: application/json\r\n` +
          `Accept: text/event-stream\r\nContent-Length: ${body.length}\r\n\r\n`,
      )
      this.#socket.write(body)
    })
  }

  close(): void {
    this.#socket.destroy()
  }

  #receive(data: Buffer): void {
    const current = this.#current
    if (!current) return
    this.#buffer = this.#buffer.length === 0 ? data : Buffer.concat([this.#buffer, data])
    const observation = current.observation
    while (this.#current === current) {
      if (this.#phase === 'headers') {
        const end = this.#buffer.indexOf('\r\n\r\n')
        if (end < 0) return
        const head = this.#buffer.subarray(0, end).toString('latin1')
        observation.headerBytes = end + 4
        observation.status = Number(head.slice(9, 12))
        this.#buffer = this.#buffer.subarray(end + 4)
        const length = /\r\ncontent-length:\s*(\d+)/i.exec(head)
        if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) this.#phase = 'chunk-size'
        else {
          this.#phase = 'fixed'
          this.#remaining = length ? Number(length[1]) : 0
        }
        continue
      }
      if (this.#phase === 'fixed') {
        const take = Math.min(this.#remaining, this.#buffer.length)
        this.#consumeBody(this.#buffer.subarray(0, take), take)
        this.#buffer = this.#buffer.subarray(take)
        this.#remaining -= take
        if (this.#remaining === 0) this.#end()
        else return
        continue
      }
      if (this.#phase === 'chunk-size' || this.#phase === 'trailer') {
        const end = this.#buffer.indexOf('\r\n')
        if (end < 0) return
        const line = this.#buffer.subarray(0, end).toString('latin1')
        observation.bodyBytes += end + 2
        this.#buffer = this.#buffer.subarray(end + 2)
        if (this.#phase === 'trailer') {
          if (line === '') this.#end()
          continue
        }
        this.#remaining = Number.parseInt(line, 16)
        this.#phase = this.#remaining === 0 ? 'trailer' : 'chunk-data'
        continue
      }
      if (this.#phase === 'chunk-data') {
        const take = Math.min(this.#remaining, this.#buffer.length)
        if (take === 0) return
        this.#consumeBody(this.#buffer.subarray(0, take), take)
        this.#buffer = this.#buffer.subarray(take)
        this.#remaining -= take
        if (this.#remaining === 0) this.#phase = 'chunk-end'
        continue
      }
      // chunk-end: the CRLF after a chunk's data
      if (this.#buffer.length < 2) return
      observation.bodyBytes += 2
      this.#buffer = this.#buffer.subarray(2)
      this.#phase = 'chunk-size'
    }
  }

  #consumeBody(bytes: Buffer, count: number): void {
    const current = this.#current
    if (!current) return
    current.observation.bodyBytes += count
    // Frames are ASCII-safe JSON here; a multi-byte character split across chunks is not an issue
    // for counting events because only whole `\n\n`-terminated blocks are read.
    this.#text += bytes.toString('utf8')
    let end = this.#text.indexOf('\n\n')
    while (end >= 0) {
      const block = this.#text.slice(0, end)
      this.#text = this.#text.slice(end + 2)
      this.#readBlock(block, current)
      end = this.#text.indexOf('\n\n')
    }
  }

  #readBlock(block: string, current: PendingRequest): void {
    const observation = current.observation
    if (block.startsWith(':')) {
      observation.keepalives.push(performance.now())
      return
    }
    const match = /(?:^|\n)event: ([^\n]*)/.exec(block)
    const event = match?.[1] ?? 'message'
    observation.events.set(event, (observation.events.get(event) ?? 0) + 1)
    if (event === 'token' && observation.firstTokenAt === undefined)
      observation.firstTokenAt = performance.now()
    if (event === 'session') current.request.onSession?.()
  }

  #end(): void {
    const current = this.#current
    if (!current) return
    current.observation.endedAt = performance.now()
    this.#phase = 'headers'
    this.#text = ''
    current.finish()
  }
}
