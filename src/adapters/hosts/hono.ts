import { type Context, Hono } from 'hono'
import { basePath } from 'hono/route'
import { leadingSegments, normalizeMountPrefix, toRoutedPrefix } from '../../core/url/path-prefix.ts'
import type { FetchGateway } from './gateway-like.ts'
import { mayHaveBody, needsStandardRequest, toStandardRequest } from './to-standard-request.ts'

/**
 * Any Hono app, whatever its Env, Schema and base path. `any` is deliberate here at the host
 * boundary: Hono's generics are invariant, so no narrower type accepts every user's app.
 */
// biome-ignore lint/suspicious/noExplicitAny: adapter boundary, see above
export type AnyHono = Hono<any, any, any>

/** What `@hono/node-server` puts in `c.env` when the host app runs on it. */
interface NodeServerBindings {
  incoming?: { socket?: { remoteAddress?: string | undefined } }
}

/**
 * The request to forward. A host middleware that read the body through `c.req.json()` or
 * friends has consumed `c.req.raw`; Hono keeps that body in its cache, so rebuild from there
 * instead of failing with "Body is unusable". A body without a Content-Length is passed in a
 * standard `Request` (see `needsStandardRequest`).
 */
async function forwardableRequest(c: Context): Promise<Request> {
  const raw = c.req.raw
  if (!mayHaveBody(raw.method)) return raw
  if (!raw.bodyUsed) return needsStandardRequest(raw) ? toStandardRequest(raw) : raw
  const body = await c.req.blob()
  const headers = new Headers(raw.headers)
  headers.delete('content-length')
  // A cached form is re-encoded with a fresh multipart boundary; the blob's type carries it.
  if (body.type) headers.set('content-type', body.type)
  return new Request(raw.url, { method: raw.method, headers, body, signal: raw.signal })
}

/**
 * The gateway as a Hono sub-app, for `host.route(path, toHonoApp(gw))`. The mount path is
 * worked out per request from the base path Hono matched, so it stays right however the host
 * is composed later: `parent.route('/x', host)`, `new Hono().basePath('/x')`, route parameters.
 * Register it after the host's own routes when mounting at the root (`host.route('/', …)`).
 *
 * Use Hono's `route()`, not `mount()`: `mount()` rewrites the URL, so the outer prefix would be
 * lost from every link (set `server.root_path` to it if you must).
 *
 * @example
 * ```ts
 * const app = new Hono()
 * app.get('/', (c) => c.json({ message: 'Main application' }))
 * app.route('/', toHonoApp(gw)) // the gateway answers everything the host does not
 * ```
 */
export function toHonoApp(gateway: FetchGateway): Hono {
  const app = new Hono()
  app.all('/*', async function agentgwGateway(c) {
    const request = await forwardableRequest(c)
    const mountPath = leadingSegments(new URL(request.url).pathname, basePath(c))
    const remoteAddress = (c.env as NodeServerBindings | undefined)?.incoming?.socket?.remoteAddress
    return gateway.fetch(request, { mountPath, ...(remoteAddress ? { remoteAddress } : {}) })
  })
  return app
}

/**
 * Mounts the gateway into a Hono host under `path` (`ai`, `/ai/` → `/ai`). Only routes under
 * the prefix are added to the host; no middleware is installed on it. Backs `gw.mountTo()`.
 *
 * @throws ConfigError for an empty path or `/`.
 */
export function mountToHono<Host extends AnyHono>(gateway: FetchGateway, host: Host, path: string): Host {
  const prefix = normalizeMountPrefix(path, 'mountTo()')
  // Hono matches decoded paths: `/x%20y` is registered as `/x y`, or it would never match.
  host.route(toRoutedPrefix(prefix), toHonoApp(gateway))
  return host
}
