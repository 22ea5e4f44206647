/**
 * What the bench runner, its target processes and its load-driver process say to each other
 * over their IPC channels. Every process is started by the runner with `process.execPath`.
 */

/** The servers a run compares; `baseline` is the bare Hono app every ratio is taken against. */
export type TargetKind = 'baseline' | 'standalone' | 'sqlite' | 'postgres' | 'express' | 'hono'

/** One SSE frame as the gateway sent it: the baseline replays these verbatim. */
export interface RecordedFrame {
  id: string
  event: string
  /** The `data:` line's JSON text, byte for byte. */
  data: string
}

/** A recorded reply of one agent: the invoke JSON body and the streamed frames. */
export interface RecordedReply {
  /** The JSON body of a non-streaming invoke. */
  json: unknown
  frames: RecordedFrame[]
  /** Milliseconds the mock waits before each token. */
  delayMs: number
}

/** What a target process is asked to serve (argv[2], as JSON). */
export interface TargetSpec {
  kind: TargetKind
  /** The bench workspace folder (gateway targets). */
  workspace: string
  /** Seconds between SSE keepalive comments. @default 15 (the gateway default) */
  keepaliveSeconds?: number
  /** SQLite file for `sqlite`. */
  sqliteFile?: string
  /** Connection and a schema of its own for `postgres`. */
  postgres?: { url: string; schema: string }
  /** Replies by agent id, for `baseline`. */
  replies?: Record<string, RecordedReply>
}

/** Target → runner. */
export type TargetReport =
  | { type: 'ready'; port: number; basePath: string }
  | { type: 'memory'; rss: number; heapUsed: number }
  | { type: 'failed'; message: string }

/** Runner → target. */
export type TargetCommand = { type: 'memory'; collect: boolean } | { type: 'stop' }

/** A fixed-duration or fixed-count autocannon run of one request. */
export interface LoadJob {
  type: 'load'
  url: string
  body: string
  connections: number
  /** Seconds; ignored when `amount` is set. */
  duration: number
  /** Total requests, for the leak check. */
  amount?: number
}

/** Streams requested back to back on `connections` keep-alive connections. */
export interface StreamJob {
  type: 'stream'
  url: string
  body: string
  connections: number
  duration: number
}

/** `streams` SSE streams opened and held while their keepalives are timed. */
export interface HoldJob {
  type: 'hold'
  url: string
  body: string
  streams: number
  holdSeconds: number
  keepaliveSeconds: number
}

export type DriverJob = LoadJob | StreamJob | HoldJob

export interface LoadResult {
  requestsPerSecond: number
  latencyP50Ms: number
  latencyP99Ms: number
  requests: number
  errors: number
  non2xx: number
}

export interface StreamResult {
  streams: number
  failedStreams: number
  /** Token events per second over all connections. */
  tokensPerSecond: number
  timeToFirstTokenP50Ms: number
  timeToFirstTokenP99Ms: number
  /** Response body bytes as they crossed the socket (chunk framing included, headers not), per token event. */
  bodyBytesPerToken: number
  /** Status line and headers of one response. */
  headerBytesPerResponse: number
  tokensPerStream: number
}

export interface HoldResult {
  requested: number
  /** Streams that answered 200 and sent their `session` event. */
  opened: number
  /** Opened streams still open at the end of the hold. */
  heldToEnd: number
  /** Seconds from the first connect until every stream was open. */
  openSeconds: number
  keepalives: number
  /** Gaps between consecutive keepalives on one stream, over all streams. */
  gapP50Ms: number
  gapP99Ms: number
  gapMaxMs: number
  /** Streams whose every gap (and first keepalive) came within 1.5 intervals. */
  onTimeStreams: number
  /** The driver's open-file limit (each stream is one socket). */
  fileLimit: number | null
}

export type DriverResult = LoadResult | StreamResult | HoldResult

/** Driver → runner. */
export type DriverReport =
  | { type: 'done'; id: number; result: DriverResult }
  | { type: 'failed'; id: number; message: string }

/** Runner → driver. */
export interface DriverCommand {
  id: number
  job: DriverJob
}
