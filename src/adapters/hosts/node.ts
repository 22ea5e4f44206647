import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Server } from 'node:net'
import { getRequestListener } from '@hono/node-server'
import { normalizeOptionalPrefix } from '../../core/url/path-prefix.ts'
import { type ConnectRequest, connectMountPath } from './connect-mount-path.ts'
import {
  isBodyConsumed,
  type ParsedRequest,
  type RecoveredBody,
  recoverConsumedBody,
} from './consumed-body.ts'
import type { FetchGateway, LifecycleGateway } from './gateway-like.ts'
import { mayHaveBody, needsStandardRequest, toStandardRequest } from './to-standard-request.ts'

/** Options of `toNodeHandler()`. */
export interface NodeHandlerOptions {
  /**
   * The prefix in front of gateway paths in `req.url`, for a server that routes by prefix
   * without rewriting `req.url` (plain `node:http`). Connect and Express strip their mount
   * path themselves; that part is found from `req.originalUrl` and goes in front of this one.
   *
   * @default ''
   * @example '/ai'
   */
  mountPath?: string
}

/**
 * A `node:http` request listener that also works as Connect/Express middleware. The gateway
 * answers every request it is given (a 404 envelope for unknown paths); `next` only receives
 * errors the gateway cannot answer, such as a body a host parser already consumed.
 */
export type NodeHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  next?: (error?: unknown) => void,
) => void

/** Methods Node's HTTP server accepts but the Fetch API's `Request` refuses to represent. */
const unrepresentableMethods = new Set(['CONNECT', 'TRACE', 'TRACK'])

interface Forwarding {
  mountPath: string
  /** The client's method when a `Request` cannot carry it; the request goes as a GET. */
  method: string | undefined
  /** Path and query as the client sent them, when a router stripped a prefix from `req.url`. */
  target: string | undefined
  body: RecoveredBody | undefined
}

function planForwarding(request: ConnectRequest & ParsedRequest, ownPrefix: string): Forwarding {
  const stripped = connectMountPath(request)
  const method = request.method?.toUpperCase() ?? 'GET'
  const unrepresentable = unrepresentableMethods.has(method)
  return {
    mountPath: `${stripped}${ownPrefix}`,
    method: unrepresentable ? method : undefined,
    target: stripped === '' ? undefined : request.originalUrl,
    body:
      !unrepresentable && mayHaveBody(method) && isBodyConsumed(request)
        ? recoverConsumedBody(request)
        : undefined,
  }
}

/**
 * The request the gateway gets, at the client's original URL (see `agentgwNodeHandler`): as it
 * came unless its body needs a standard `Request` (see `needsStandardRequest`), or rebuilt
 * from a consumed body.
 */
function toForwardedRequest(request: Request, plan: Forwarding): Request {
  if (!plan.body) return needsStandardRequest(request) ? toStandardRequest(request) : request
  const headers = new Headers(request.headers)
  // The body is now decoded bytes of a known length: the wire framing no longer applies.
  for (const name of ['content-length', 'content-encoding', 'transfer-encoding']) headers.delete(name)
  if (plan.body.contentType) headers.set('content-type', plan.body.contentType)
  return new Request(request.url, {
    method: request.method,
    headers,
    body: plan.body.body,
    signal: request.signal,
  })
}

/**
 * Serves the gateway from Node's HTTP stack: as a `node:http` request listener, or as
 * Connect/Express middleware (`app.use('/ai', toNodeHandler(gw))`). The mount prefix is
 * `req.originalUrl` minus `req.url` plus `options.mountPath`; the peer address comes from the
 * socket. Built on `@hono/node-server` without replacing the global `Request`/`Response`.
 *
 * @example
 * ```ts
 * createServer(toNodeHandler(gw)).listen(8000) // the gateway at the root
 * ```
 */
export function toNodeHandler(gateway: FetchGateway, options: NodeHandlerOptions = {}): NodeHandler {
  const ownPrefix = normalizeOptionalPrefix(options.mountPath, 'toNodeHandler() mountPath')
  // Plans made before the listener runs, so a body is recovered once per request.
  const plans = new WeakMap<IncomingMessage, Forwarding>()
  const listener = getRequestListener(
    (request, env) => {
      const incoming = env.incoming as ConnectRequest & ParsedRequest
      const plan = plans.get(incoming) ?? planForwarding(incoming, ownPrefix)
      const remoteAddress = incoming.socket.remoteAddress
      return gateway.fetch(toForwardedRequest(request, plan), {
        mountPath: plan.mountPath,
        ...(remoteAddress ? { remoteAddress } : {}),
        ...(plan.method ? { method: plan.method } : {}),
      })
    },
    { overrideGlobalObjects: false },
  )
  return function agentgwNodeHandler(request, response, next) {
    try {
      // Fail before the response starts when the body cannot be forwarded faithfully.
      plans.set(request, planForwarding(request, ownPrefix))
    } catch (error) {
      if (next) return next(error)
      response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' })
      response.end(error instanceof Error ? error.message : 'agentgw: cannot forward the request')
      return
    }
    // The listener builds its request from `req.url` at once: show it the URL the client used
    // (a router stripped its prefix), then give the router its own back.
    const plan = plans.get(request) as Forwarding
    const routed = request.url
    const method = request.method
    if (plan.target !== undefined) request.url = plan.target
    // `new Request()` throws for TRACE and friends; the gateway learns the method from bindings.
    if (plan.method !== undefined) request.method = 'GET'
    try {
      listener(request, response).catch((error: unknown) => next?.(error))
    } finally {
      request.url = routed
      request.method = method
    }
  }
}

/**
 * Ties the gateway's background work to a server's life: starts it when the server is
 * listening (now, if it already is) and drains it when `server.close()` is called: in-flight
 * requests and runs finish (or are cancelled after `queue.drain_timeout_seconds`). Without
 * this the gateway starts lazily on its first request. Returns the server.
 *
 * @example
 * ```ts
 * const server = attachGatewayToServer(gw, createServer(toNodeHandler(gw)))
 * server.listen(8000)
 * ```
 */
export function attachGatewayToServer<S extends Server>(gateway: LifecycleGateway, server: S): S {
  const start = () => {
    // A failed start is logged by the gateway; the next request tries again (lazy start).
    gateway.start().catch(() => undefined)
  }
  if (server.listening) start()
  else server.once('listening', start)
  // 'close' fires only once every connection has ended — too late to drain, and never while
  // an event stream is open. So the drain starts when the host calls `server.close()`: the
  // server stops accepting while the gateway finishes in-flight work and ends its streams.
  const close = server.close
  let stopping: Promise<void> | undefined
  const stop = () => {
    stopping ??= gateway.stop().catch(() => undefined)
    return stopping
  }
  // biome-ignore lint/suspicious/noExplicitAny: wrapping the host's method, whatever its overloads
  ;(server as any).close = function closeAndDrain(this: S, callback?: (error?: Error) => void) {
    void stop()
    return close.call(this, callback)
  }
  server.once('close', () => {
    void stop()
  })
  return server
}
