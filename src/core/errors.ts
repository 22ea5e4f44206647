import { type ErrorCode, errorCodes } from './error-codes.ts'

/** One entry of `error.details` in the envelope: where a problem is and what it is. */
export interface ErrorDetail {
  /** JSON-pointer-like path to the offending value, e.g. `/input/city`. */
  path: string
  message: string
  [key: string]: unknown
}

/** Options of `new GatewayError(code, options)`. */
export interface GatewayErrorOptions {
  /** What the caller reads. @default the code's message from the registry */
  message?: string
  /** HTTP status. @default the code's status from the registry */
  status?: number
  /** Where the problems are, e.g. one entry per invalid field. */
  details?: ErrorDetail[]
  /** The execution the error is about; sent as `execution_id`. */
  executionId?: string
  /** Response headers to send with the envelope, e.g. `Retry-After`. */
  headers?: Record<string, string>
  /**
   * Gateway paths (no prefix) the caller can follow, by envelope field name, e.g.
   * `{ setup_url: '/dashboard/agents/mail/setup' }`. The HTTP layer sends each as a URL with the
   * request's public prefix; outside HTTP they are not sent.
   */
  links?: Record<string, string>
  /** The underlying error, for logs; never sent. */
  cause?: unknown
}

/** The JSON body of every non-2xx response. */
export interface ErrorEnvelope {
  error: {
    code: ErrorCode
    message: string
    details?: ErrorDetail[]
    execution_id?: string
  }
}

/*
 * Errors are recognised by a registered symbol, not by `instanceof`: with two copies of the
 * package in one process (source and dist, a monorepo, two versions) each copy has its own
 * class, and `instanceof` would turn a user's `GatewayError` into a 500.
 */
const gatewayErrorMarker = Symbol.for('agentgw.error.GatewayError')
const configErrorMarker = Symbol.for('agentgw.error.ConfigError')

function hasMarker(value: unknown, marker: symbol): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true
}

/**
 * An error that is safe to show to API callers: it carries an HTTP status, a stable code from
 * the registry, and a message written for the caller. Anything else that reaches the HTTP
 * layer is reported as `internal_error` without its message, so internals never leak.
 *
 * @example
 * ```ts
 * gw.route({ id: 'orders.get', method: 'GET', path: '/orders/:id' }, (c) => {
 *   throw new GatewayError('bad_request', { message: 'Order ids are numbers.' })
 * })
 * ```
 */
export class GatewayError extends Error {
  /**
   * Whether `value` is a `GatewayError` from any copy of agentgw. Use it instead of
   * `instanceof`, which fails across copies of the package.
   */
  static isInstance(value: unknown): value is GatewayError {
    return hasMarker(value, gatewayErrorMarker)
  }

  readonly [gatewayErrorMarker] = true
  /** The stable code from the registry, e.g. `agent_not_found`. */
  readonly code: ErrorCode
  /** The HTTP status of the response. */
  readonly status: number
  /** Where the problems are, when there are several or they have a place. */
  readonly details: ErrorDetail[] | undefined
  /** The execution the error is about, when there is one. */
  readonly executionId: string | undefined
  /** Extra response headers, e.g. `Retry-After`. */
  readonly headers: Record<string, string> | undefined
  /** Gateway paths the caller can follow, by envelope field name (see `GatewayErrorOptions.links`). */
  readonly links: Record<string, string> | undefined

  constructor(code: ErrorCode, options: GatewayErrorOptions = {}) {
    super(options.message ?? errorCodes[code].message, { cause: options.cause })
    this.name = 'GatewayError'
    this.code = code
    this.status = options.status ?? errorCodes[code].status
    this.details = options.details
    this.executionId = options.executionId
    this.headers = options.headers
    this.links = options.links
  }

  /** The error envelope sent as the response body: code, message, details, execution id. */
  toJSON(): ErrorEnvelope {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details ? { details: this.details } : {}),
        ...(this.executionId ? { execution_id: this.executionId } : {}),
      },
    }
  }
}

/**
 * The status of an `HTTPException` from Hono (body limit, malformed JSON…), recognised by its
 * shape — a numeric `status` and a `getResponse()` method — so core needs no Hono import and
 * an exception from another copy of Hono is still recognised.
 */
function httpExceptionStatus(error: unknown): number | undefined {
  if (!(error instanceof Error)) return undefined
  const { status, getResponse } = error as { status?: unknown; getResponse?: unknown }
  return typeof status === 'number' && typeof getResponse === 'function' ? status : undefined
}

/**
 * The one conversion of anything thrown into an error that is safe to show a caller, used by
 * every place that answers after a failure (API envelopes, dashboard pages, streams). A
 * `GatewayError` from any copy of the package passes as is; the request problems libraries
 * throw (a malformed JSON body, Hono's 4xx `HTTPException`) get their code; everything else
 * becomes `internal_error`, keeping the original as `cause` for the log — never in the reply.
 */
export function toGatewayError(error: unknown): GatewayError {
  if (GatewayError.isInstance(error)) return error
  // `c.req.json()` in custom routes throws a plain SyntaxError on a malformed body.
  if (error instanceof SyntaxError && /JSON/.test(error.message))
    return new GatewayError('invalid_json', { cause: error })
  const status = httpExceptionStatus(error)
  if (status !== undefined && status >= 400 && status < 500) {
    const message = (error as Error).message
    if (status === 400 && /JSON/i.test(message)) return new GatewayError('invalid_json', { cause: error })
    if (status === 413) return new GatewayError('payload_too_large', { cause: error })
    if (status === 415) return new GatewayError('unsupported_media_type', { cause: error })
    if (status === 404) return new GatewayError('route_not_found', { cause: error })
    return new GatewayError('bad_request', { status, cause: error })
  }
  return new GatewayError('internal_error', { cause: error })
}

/** Where a configuration problem is: file, line and the key path inside the file. */
export interface ConfigIssue {
  file?: string | undefined
  line?: number | undefined
  column?: number | undefined
  /** Dotted key path as written in the file, e.g. `server.port`. */
  keyPath?: string | undefined
  message: string
}

/** One line for a config problem: `file:line:column key.path: message`. */
export function formatConfigIssue(issue: ConfigIssue): string {
  const where = [issue.file, issue.line, issue.line !== undefined ? issue.column : undefined]
    .filter((part) => part !== undefined)
    .join(':')
  const key = issue.keyPath ? `${issue.keyPath}: ` : ''
  return where ? `${where} ${key}${issue.message}` : `${key}${issue.message}`
}

/**
 * Thrown at start-up (never per request) when configuration is invalid. The message names the
 * file, line and key path of each problem; the gateway never falls back to defaults silently.
 */
export class ConfigError extends Error {
  /**
   * Whether `value` is a `ConfigError` from any copy of agentgw. Use it instead of
   * `instanceof`, which fails across copies of the package.
   */
  static isInstance(value: unknown): value is ConfigError {
    return hasMarker(value, configErrorMarker)
  }

  readonly [configErrorMarker] = true
  /** Every problem found, each with its file, line and key path when known. */
  readonly issues: ConfigIssue[]

  constructor(issues: ConfigIssue | ConfigIssue[] | string) {
    const list =
      typeof issues === 'string' ? [{ message: issues }] : Array.isArray(issues) ? issues : [issues]
    const lines = list.map(formatConfigIssue)
    super(lines.length === 1 ? lines[0] : `Invalid configuration:\n  ${lines.join('\n  ')}`)
    this.name = 'ConfigError'
    this.issues = list
  }
}
