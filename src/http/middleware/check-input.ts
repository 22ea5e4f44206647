import type { Context, MiddlewareHandler } from 'hono'
import { type ErrorDetail, GatewayError } from '../../core/errors.ts'
import { exceedsJsonDepth, maxJsonDepth } from '../../core/input/json-depth.ts'
import { findUnsafeText, unsafeTextReason } from '../../core/input/unsafe-text.ts'
import type { GatewayEnv } from '../gateway-env.ts'

const jsonType = /^application\/([\w.-]+\+)?json$/i
const formTypes = new Set(['application/x-www-form-urlencoded', 'multipart/form-data'])

function mediaType(c: Context<GatewayEnv>): string {
  return (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
}

/** The route parameter a path segment fills (`/param/execution_id`), else the path itself. */
function pathField(routePath: string | undefined, path: string, at: number): string {
  const segment = path.slice(0, at).split('/').length - 1
  const pattern = routePath?.split('/')[segment]
  return pattern?.startsWith(':') ? `/param/${pattern.slice(1).replace(/\{.*$/, '')}` : '/path'
}

function checkUrl(c: Context<GatewayEnv>): ErrorDetail | undefined {
  const path = c.req.path
  const reason = unsafeTextReason(path)
  if (reason) {
    const at = Math.max(path.indexOf('\u0000'), 0)
    return { path: pathField(c.get('route')?.path, path, at), message: reason }
  }
  if (!c.req.url.includes('?')) return undefined
  const found = findUnsafeText(c.req.queries(), '/query')
  return found
    ? { path: found.path.replace(/^(\/query\/[^/]*)\/\d+$/, '$1'), message: found.message }
    : undefined
}

async function checkJsonBody(c: Context<GatewayEnv>): Promise<ErrorDetail | GatewayError | undefined> {
  // Read once as text; the route's validator then parses this cached text.
  const text = await c.req.text()
  if (exceedsJsonDepth(text)) {
    return new GatewayError('payload_too_large', {
      message: `The JSON body nests objects or arrays more than ${maxJsonDepth} levels deep.`,
      details: [{ path: '/body', message: `nested deeper than ${maxJsonDepth} levels` }],
    })
  }
  // NUL and surrogate halves can only be written as \u escapes in valid JSON text.
  if (!text.includes('\\u')) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return undefined // the route reports malformed JSON in its own words
  }
  return findUnsafeText(parsed, '/body')
}

async function checkFormBody(c: Context<GatewayEnv>): Promise<ErrorDetail | GatewayError | undefined> {
  let form: Record<string, unknown>
  try {
    // Cached by Hono: the route reads the same parsed form.
    form = await c.req.parseBody({ all: true })
  } catch (error) {
    return new GatewayError('invalid_form', { cause: error })
  }
  return findUnsafeText(form, '/form')
}

/**
 * The one gate every request input passes before a handler sees it, so no backend ever gets
 * text it cannot store or a body that explodes later: the path (route parameters), query
 * parameters, JSON bodies and form bodies are refused with `validation_failed` (422) naming
 * the field when a string holds U+0000 or an unpaired surrogate; JSON nested deeper than
 * `maxJsonDepth` is refused before it is parsed (413); a form that does not parse is
 * `invalid_form` (400). Runs after authentication and the body limit, so it never reads the
 * body of a request that is refused anyway.
 */
export function checkInput(): MiddlewareHandler<GatewayEnv> {
  return async function checkInputMiddleware(c, next) {
    const route = c.get('route')
    if (!route) return next()
    let problem: ErrorDetail | GatewayError | undefined = checkUrl(c)
    // Routes added straight on `gw.app` (foreign apps mounted there among them) may read the
    // raw body stream themselves, so their bodies are left unread.
    const ownsBody = !route.id.startsWith('custom:')
    if (!problem && ownsBody && c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const type = mediaType(c)
      if (jsonType.test(type)) problem = await checkJsonBody(c)
      else if (formTypes.has(type)) problem = await checkFormBody(c)
    }
    if (!problem) return next()
    throw problem instanceof GatewayError
      ? problem
      : new GatewayError('validation_failed', {
          message: `The request contains text that cannot be stored: ${problem.path} ${problem.message}.`,
          details: [problem],
        })
  }
}
