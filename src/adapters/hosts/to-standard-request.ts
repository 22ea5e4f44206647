/**
 * A standard `Request` with the same method, headers, body stream and abort signal, at `url`.
 *
 * Two reasons to rebuild one: a host rewrote the path, and the gateway must see the path the
 * client asked for (its links are built from it); and `@hono/node-server` without
 * `overrideGlobalObjects` hands out lightweight request objects that Node's own `Request`
 * constructor rejects ("Cannot read private member #state"), which breaks code that wraps the
 * request, like Hono's body limit on a body without Content-Length (chunked uploads, DELETE).
 */
export function toStandardRequest(request: Request, url: string = request.url): Request {
  const init: RequestInit & { duplex?: 'half' } = {
    method: request.method,
    headers: request.headers,
    signal: request.signal,
  }
  if (mayHaveBody(request.method)) {
    init.body = request.body
    init.duplex = 'half'
  }
  return new Request(url, init)
}

/**
 * Whether `request` must go through `toStandardRequest` before the gateway sees it: only when
 * it may carry a body without a Content-Length, which the body limit wraps. Requests without a
 * body, or with a fixed-length one (which `@hono/node-server` reads directly and the body limit
 * checks by its header), pass as they are — rebuilding every request was a tenth of the CPU of
 * a small invoke.
 */
export function needsStandardRequest(request: Request): boolean {
  if (!mayHaveBody(request.method)) return false
  return !request.headers.has('content-length') || request.headers.has('transfer-encoding')
}

/** Whether a request of this method may carry a body. */
export function mayHaveBody(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD'
}
