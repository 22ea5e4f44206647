import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { ZodError } from 'zod'
import type { ErrorDetail, GatewayError } from '../core/errors.ts'
import type { GatewayEnv } from './gateway-env.ts'
import { toOpenAIErrorBody } from './openai-error.ts'
import { url } from './url.ts'

/** Turns zod issues into envelope details with JSON-pointer paths. */
export function zodDetails(error: ZodError, prefix = ''): ErrorDetail[] {
  return error.issues.map((issue) => ({
    path: `${prefix}/${issue.path.map(String).join('/')}`.replace(/\/$/, '') || '/',
    message: issue.message.replace(/^Invalid input: /, ''),
  }))
}

/** An error's `links` as URLs with the request's public prefix, by envelope field name. */
export function prefixedLinks(c: Context<GatewayEnv>, error: GatewayError): Record<string, string> {
  return Object.fromEntries(Object.entries(error.links ?? {}).map(([name, path]) => [name, url(c, path)]))
}

/**
 * Sends a `GatewayError` as the error envelope — or, on the routes whose identity says so (the
 * OpenAI-compatible ones), in OpenAI's error shape, so their clients read it. Decided by the
 * matched route's identity, so auth, body-limit and validation errors get the same shape.
 */
export function errorResponse(c: Context<GatewayEnv>, error: GatewayError): Response {
  if (error.headers) for (const [name, value] of Object.entries(error.headers)) c.header(name, value)
  if (c.get('route')?.errorFormat === 'openai') {
    return c.json(toOpenAIErrorBody(error), error.status as ContentfulStatusCode)
  }
  const envelope = error.toJSON()
  return c.json(
    { error: { ...envelope.error, ...prefixedLinks(c, error) } },
    error.status as ContentfulStatusCode,
  )
}
