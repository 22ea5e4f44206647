import type { IncomingHttpHeaders } from 'node:http'
import { Readable } from 'node:stream'
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { ConfigError } from '../../core/errors.ts'
import { leadingSegments, toRoutedPrefix } from '../../core/url/path-prefix.ts'
import type { LifecycleGateway } from './gateway-like.ts'

function toHeaders(incoming: IncomingHttpHeaders): Headers {
  const headers = new Headers()
  for (const [name, value] of Object.entries(incoming)) {
    // HTTP/2 pseudo-headers (`:path`…) are not headers of the request itself.
    if (value === undefined || name.startsWith(':')) continue
    if (Array.isArray(value)) for (const item of value) headers.append(name, item)
    else headers.set(name, value)
  }
  return headers
}

/** The Web request for a Fastify request whose body our pass-through parser left unread. */
function toWebRequest(request: FastifyRequest, reply: FastifyReply): Request {
  const raw = request.raw
  const encrypted = (raw.socket as { encrypted?: boolean }).encrypted === true
  const host = raw.headers[':authority'] ?? raw.headers.host ?? 'localhost'
  const url = `${encrypted ? 'https' : 'http'}://${String(host)}${raw.url ?? '/'}`
  const disconnect = new AbortController()
  // The client went away before the response finished: let streams and runs notice.
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) disconnect.abort(new Error('client disconnected'))
  })
  const init: RequestInit & { duplex?: 'half' } = {
    method: raw.method ?? 'GET',
    headers: toHeaders(raw.headers),
    signal: disconnect.signal,
  }
  if (request.body instanceof Readable) {
    init.body = Readable.toWeb(request.body) as ReadableStream<Uint8Array>
    init.duplex = 'half'
  }
  return new Request(url, init)
}

/**
 * A Fastify plugin serving the gateway under the prefix it is registered with:
 * `app.register(toFastifyPlugin(gw), { prefix: '/ai' })`. Fastify's body parsers are bypassed
 * for the gateway's routes only (the plugin is encapsulated), so the gateway reads the raw
 * stream and applies its own limits; the Web `Response` goes back through `reply.send()`, which
 * streams it — SSE arrives live. `onReady` starts the gateway; `preClose` starts its drain and
 * `onClose` waits for it.
 *
 * Registered without a prefix, the gateway answers every path the host has no route for.
 *
 * @example
 * ```ts
 * const app = Fastify()
 * app.get('/', async () => ({ message: 'Main application' }))
 * app.register(toFastifyPlugin(gw), { prefix: '/ai' })
 * ```
 */
export function toFastifyPlugin(gateway: LifecycleGateway): FastifyPluginAsync {
  return async function agentgwFastify(instance: FastifyInstance) {
    // Encapsulated: these replace the parsers for the gateway's routes, not for the host.
    instance.removeAllContentTypeParsers()
    instance.addContentTypeParser('*', (_request, payload, done) => done(null, payload))
    instance.addHook('onReady', async () => {
      // A failed start is logged by the gateway; later requests retry it (lazy start).
      await gateway.start().catch(() => undefined)
    })
    // Drain from `preClose`, before Fastify waits for in-flight requests: the gateway's event
    // streams end (error `shutting_down` + done) instead of holding the close open.
    let stopping: Promise<void> | undefined
    const stop = () => {
      stopping ??= gateway.stop()
      return stopping
    }
    instance.addHook('preClose', stop)
    instance.addHook('onClose', stop)

    // `instance.prefix` holds every enclosing prefix; its parameters resolve per request.
    const prefix = instance.prefix
    if (/%[0-9A-Fa-f]{2}/.test(prefix) && toRoutedPrefix(prefix) !== prefix) {
      // Fastify matches decoded paths, so this prefix could never match a request: say so now
      // rather than answer 404 for every gateway route.
      throw new ConfigError(
        `toFastifyPlugin(): Fastify matches decoded paths, so the prefix "${prefix}" never matches; register it as "${toRoutedPrefix(prefix)}" to serve ${prefix}`,
      )
    }
    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      const webRequest = toWebRequest(request, reply)
      const mountPath = leadingSegments(new URL(webRequest.url).pathname, prefix)
      const remoteAddress = request.raw.socket.remoteAddress
      const response = await gateway.fetch(webRequest, {
        mountPath,
        ...(remoteAddress ? { remoteAddress } : {}),
      })
      return reply.send(response)
    }
    const methods = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']
    instance.route({ method: methods, url: '/*', handler, exposeHeadRoute: false })
    // `/ai` itself; at the root, `/*` already covers `/` and the host may own it.
    if (prefix !== '') instance.route({ method: methods, url: '/', handler, exposeHeadRoute: false })
  }
}
