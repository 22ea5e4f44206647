import type { IncomingMessage } from 'node:http'
import { toJsonText } from './to-json-text.ts'

/** A request after a host body parser may have run (body-parser, `express.json()`…). */
export interface ParsedRequest extends IncomingMessage {
  /** The bytes as received, when the host keeps them (e.g. a `verify` hook storing them). */
  rawBody?: unknown
  /** What the host's body parser produced. */
  body?: unknown
}

/** The body to forward instead of the consumed stream, and the content type that goes with it. */
export interface RecoveredBody {
  body: Uint8Array | string
  /** Replaces the request's `Content-Type` when the bytes were re-encoded. */
  contentType?: string
}

/** Thrown when a host parser consumed the body and it cannot be rebuilt faithfully. */
export class ConsumedBodyError extends Error {
  constructor(detail: string) {
    super(
      `agentgw: the request body was consumed by a body parser on the host before the gateway (${detail}). ` +
        'Mount the gateway before body parsers, or keep the raw bytes in req.rawBody.',
    )
    this.name = 'ConsumedBodyError'
  }
}

/** True once anything read the request stream: the gateway can no longer stream it. */
export function isBodyConsumed(request: IncomingMessage): boolean {
  return request.readableDidRead || request.readableEnded
}

function mediaType(request: IncomingMessage): string {
  return (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
}

function withUtf8Charset(contentType: string | undefined, fallback: string): string {
  const base = contentType?.split(';')[0]?.trim() || fallback
  return `${base}; charset=utf-8`
}

function toFormBody(value: object): string {
  const form = new URLSearchParams()
  for (const [key, entry] of Object.entries(value)) {
    const items: unknown[] = Array.isArray(entry) ? entry : [entry]
    for (const item of items) {
      if (typeof item === 'object' && item !== null) {
        // Nested objects come from `extended` parsing; their original encoding is ambiguous.
        throw new ConsumedBodyError('a nested urlencoded form cannot be re-encoded faithfully')
      }
      form.append(key, String(item))
    }
  }
  return form.toString()
}

/**
 * Rebuilds a body a host parser already consumed, in this order: `req.rawBody` as is; a
 * `Buffer` (`express.raw()`) as is; a string (`express.text()`) as UTF-8; JSON content types
 * re-serialized with `JSON.stringify`; urlencoded forms of flat values re-encoded. Anything
 * else throws `ConsumedBodyError` rather than forwarding a body that differs from the client's.
 */
export function recoverConsumedBody(request: ParsedRequest): RecoveredBody {
  const contentType = request.headers['content-type']
  // Parsers turn an empty body into `{}`; forward what the client actually sent.
  if (request.headers['content-length'] === '0') return { body: '' }
  const raw = request.rawBody
  if (raw instanceof Uint8Array) return { body: raw }
  if (typeof raw === 'string') return { body: raw, contentType: withUtf8Charset(contentType, 'text/plain') }
  const parsed = request.body
  if (parsed instanceof Uint8Array) return { body: parsed }
  if (typeof parsed === 'string') {
    return { body: parsed, contentType: withUtf8Charset(contentType, 'text/plain') }
  }
  const type = mediaType(request)
  if (parsed !== undefined && (type === 'application/json' || type.endsWith('+json'))) {
    return { body: toJsonText(parsed), contentType: withUtf8Charset(contentType, 'application/json') }
  }
  if (type === 'application/x-www-form-urlencoded' && typeof parsed === 'object' && parsed !== null) {
    return { body: toFormBody(parsed), contentType: 'application/x-www-form-urlencoded' }
  }
  throw new ConsumedBodyError(
    parsed === undefined ? 'nothing was kept' : `a parsed "${type || 'unknown'}" body cannot be re-encoded`,
  )
}
