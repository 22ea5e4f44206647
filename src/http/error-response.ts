import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { ZodError } from 'zod'
import { type ErrorDetail, GatewayError } from '../core/errors.ts'
import type { GatewayEnv } from './gateway-env.ts'

/** Turns zod issues into envelope details with JSON-pointer paths. */
export function zodDetails(error: ZodError, prefix = ''): ErrorDetail[] {
  return error.issues.map((issue) => ({
    path: `${prefix}/${issue.path.map(String).join('/')}`.replace(/\/$/, '') || '/',
    message: issue.message.replace(/^Invalid input: /, ''),
  }))
}

/** Maps anything thrown in a handler to a `GatewayError` that is safe to send. */
export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error
  // `c.req.json()` in custom routes throws a plain SyntaxError on a malformed body.
  if (error instanceof SyntaxError && /JSON/.test(error.message)) return new GatewayError('invalid_json')
  if (error instanceof HTTPException) {
    if (error.status === 400 && /JSON/i.test(error.message)) return new GatewayError('invalid_json')
    if (error.status === 413) return new GatewayError('payload_too_large')
    if (error.status === 415) return new GatewayError('unsupported_media_type')
    if (error.status === 404) return new GatewayError('route_not_found')
    if (error.status >= 400 && error.status < 500)
      return new GatewayError('bad_request', { status: error.status })
  }
  return new GatewayError('internal_error', { cause: error })
}

/** Sends a `GatewayError` as the error envelope. */
export function errorResponse(c: Context<GatewayEnv>, error: GatewayError): Response {
  if (error.headers) for (const [name, value] of Object.entries(error.headers)) c.header(name, value)
  return c.json(error.toJSON(), error.status as ContentfulStatusCode)
}
