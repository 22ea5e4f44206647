import { type ErrorCode, errorCodes } from './error-codes.ts'

/** One entry of `error.details` in the envelope: where a problem is and what it is. */
export interface ErrorDetail {
  /** JSON-pointer-like path to the offending value, e.g. `/input/city`. */
  path: string
  message: string
  [key: string]: unknown
}

export interface GatewayErrorOptions {
  message?: string
  status?: number
  details?: ErrorDetail[]
  executionId?: string
  headers?: Record<string, string>
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

/**
 * An error that is safe to show to API callers: it carries an HTTP status, a stable code from
 * the registry, and a message written for the caller. Anything else that reaches the HTTP
 * layer is reported as `internal_error` without its message, so internals never leak.
 */
export class GatewayError extends Error {
  readonly code: ErrorCode
  readonly status: number
  readonly details: ErrorDetail[] | undefined
  readonly executionId: string | undefined
  readonly headers: Record<string, string> | undefined

  constructor(code: ErrorCode, options: GatewayErrorOptions = {}) {
    super(options.message ?? errorCodes[code].message, { cause: options.cause })
    this.name = 'GatewayError'
    this.code = code
    this.status = options.status ?? errorCodes[code].status
    this.details = options.details
    this.executionId = options.executionId
    this.headers = options.headers
  }

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

/** The status of Hono's `HTTPException`, recognised by shape so core stays free of Hono. */
function httpExceptionStatus(error: unknown): number | undefined {
  if (!(error instanceof Error)) return undefined
  const candidate = error as { status?: unknown; getResponse?: unknown }
  return typeof candidate.status === 'number' && typeof candidate.getResponse === 'function'
    ? candidate.status
    : undefined
}

/**
 * The one conversion of anything thrown into an error that is safe to show a caller. A
 * `GatewayError` passes as is; the request problems that libraries throw (malformed JSON or
 * form bodies, Hono's `HTTPException` 4xx) become the matching code; everything else becomes
 * `internal_error`, with the original kept as `cause` for the log and never shown. Every
 * place that answers a request or a stream after a failure goes through here.
 */
export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error
  // `c.req.json()` in custom routes throws a plain SyntaxError on a malformed body.
  if (error instanceof SyntaxError && /JSON/.test(error.message))
    return new GatewayError('invalid_json', { cause: error })
  const status = httpExceptionStatus(error)
  if (status !== undefined) {
    const message = (error as Error).message
    if (status === 400 && /JSON/i.test(message)) return new GatewayError('invalid_json', { cause: error })
    if (status === 413) return new GatewayError('payload_too_large', { cause: error })
    if (status === 415) return new GatewayError('unsupported_media_type', { cause: error })
    if (status === 404) return new GatewayError('route_not_found', { cause: error })
    if (status >= 400 && status < 500) return new GatewayError('bad_request', { status, cause: error })
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
