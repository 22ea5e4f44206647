import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { toRoutedPrefix } from '../core/url/path-prefix.ts'
import type { Gateway } from '../gateway.ts'

/** The hosts the matrix runs on. `standalone` is `gw.listen()`: no host app around it. */
export type HostKind = 'standalone' | 'hono' | 'express' | 'fastify' | 'node'

/** Every host kind, in a stable order. */
export const hostKinds: readonly HostKind[] = ['standalone', 'hono', 'express', 'fastify', 'node']

/**
 * The prefixes of the matrix: the root, one segment, two segments, and one with a
 * percent-encoded character (hosts and the gateway must agree on `/x%20y` and `/x y`).
 */
export const matrixPrefixes: readonly string[] = ['', '/ai', '/a/b', '/x%20y']

/** One cell of the host × prefix matrix. */
export interface HostCell {
  kind: HostKind
  /** `""` (the gateway at the root of the host) or `/x[/y]`. */
  prefix: string
}

/**
 * The cells worth running. A standalone gateway has no host to mount it under a prefix, so it
 * appears with `""` only (a prefix in front of it is a proxy's job: `server.root_path`). Every
 * mounted host appears with every prefix; at `""` each uses its own root wiring (see
 * `startHost`), since `gw.mountTo()` refuses the root by design.
 */
export function hostMatrix(
  kinds: readonly HostKind[] = hostKinds,
  prefixes: readonly string[] = matrixPrefixes,
): HostCell[] {
  return kinds.flatMap((kind) =>
    prefixes.filter((prefix) => kind !== 'standalone' || prefix === '').map((prefix) => ({ kind, prefix })),
  )
}

/** Options of `startHost()`: which host, at which prefix, serving which gateway. */
export interface StartHostOptions extends HostCell {
  /** A gateway that has not started: Hono's `mountTo` and custom routes need that. */
  gateway: Gateway
  /** Interface to listen on. @default '127.0.0.1' */
  hostname?: string
}

/** A host listening on an ephemeral port, with the gateway mounted in it. */
export interface RunningHost extends HostCell {
  /** Where the gateway answers: `hostUrl` + prefix, e.g. `http://127.0.0.1:41234/ai`. */
  baseUrl: string
  /** The host's origin, e.g. `http://127.0.0.1:41234`. */
  hostUrl: string
  /** The listening server (Fastify's underlying one for `fastify`). */
  server: Server
  /** Closes the host; its lifecycle wiring stops the gateway. */
  close(): Promise<void>
}

/** The host's own routes, outside the gateway: `GET /` and `GET /host/health`. */
export const hostRoutes = {
  root: { path: '/', body: { message: 'Main application' } },
  health: { path: '/host/health', body: { status: 'ok', served_by: 'host' } },
} as const

function listening(server: Server, hostname: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, hostname, () => {
      server.off('error', reject)
      resolve()
    })
  })
}

async function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()))
  // Open event streams would keep `close()` waiting forever.
  server.closeAllConnections()
  await closed
}

async function startHono(options: StartHostOptions): Promise<Server> {
  const [{ Hono }, { serve }, { toHonoApp }, { attachGatewayToServer }] = await Promise.all([
    import('hono'),
    import('@hono/node-server'),
    import('../adapters/hosts/hono.ts'),
    import('../adapters/hosts/node.ts'),
  ])
  const app = new Hono()
  app.get(hostRoutes.root.path, (c) => c.json(hostRoutes.root.body))
  app.get(hostRoutes.health.path, (c) => c.json(hostRoutes.health.body))
  // The root is the host's fallback, registered after its own routes (mountTo refuses '').
  if (options.prefix === '') app.route('/', toHonoApp(options.gateway))
  else options.gateway.mountTo(app, options.prefix)
  const server = serve({
    fetch: app.fetch,
    port: 0,
    hostname: options.hostname ?? '127.0.0.1',
    overrideGlobalObjects: false,
  }) as Server
  attachGatewayToServer(options.gateway, server)
  if (!server.listening) await new Promise((resolve) => server.once('listening', resolve))
  return server
}

async function startExpress(options: StartHostOptions): Promise<Server> {
  const [{ default: express }, { toExpressHandler }, { attachGatewayToServer }] = await Promise.all([
    import('express'),
    import('../adapters/hosts/express.ts'),
    import('../adapters/hosts/node.ts'),
  ])
  const app = express()
  app.get(hostRoutes.root.path, (_request, response) => {
    response.json(hostRoutes.root.body)
  })
  app.get(hostRoutes.health.path, (_request, response) => {
    response.json(hostRoutes.health.body)
  })
  if (options.prefix === '') app.use(toExpressHandler(options.gateway))
  else app.use(options.prefix, toExpressHandler(options.gateway))
  const server = createServer(app)
  attachGatewayToServer(options.gateway, server)
  await listening(server, options.hostname ?? '127.0.0.1')
  return server
}

async function startFastify(options: StartHostOptions): Promise<{ server: Server; close(): Promise<void> }> {
  const [{ default: Fastify }, { toFastifyPlugin }] = await Promise.all([
    import('fastify'),
    import('../adapters/hosts/fastify.ts'),
  ])
  const app = Fastify({ forceCloseConnections: true })
  app.get(hostRoutes.root.path, async () => hostRoutes.root.body)
  app.get(hostRoutes.health.path, async () => hostRoutes.health.body)
  // Fastify matches decoded paths: `/x%20y` is served by the prefix written `/x y`.
  await app.register(toFastifyPlugin(options.gateway), { prefix: toRoutedPrefix(options.prefix) })
  await app.listen({ port: 0, host: options.hostname ?? '127.0.0.1' })
  return { server: app.server, close: () => app.close() }
}

async function startNode(options: StartHostOptions): Promise<Server> {
  const { toNodeHandler, attachGatewayToServer } = await import('../adapters/hosts/node.ts')
  const gateway = toNodeHandler(options.gateway, { mountPath: options.prefix })
  const prefix = options.prefix
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/'
    const own = Object.values(hostRoutes).find((route) => route.path === path)
    if (own && request.method === 'GET') {
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end(JSON.stringify(own.body))
    } else if (prefix === '' || path === prefix || path.startsWith(`${prefix}/`)) {
      gateway(request, response)
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' })
      response.end('host: not found')
    }
  })
  attachGatewayToServer(options.gateway, server)
  await listening(server, options.hostname ?? '127.0.0.1')
  return server
}

/**
 * Starts one cell of the matrix over a real socket on an ephemeral port: a host app with its
 * own routes (`hostRoutes`) and the gateway mounted at `prefix` the way that framework does it
 * — Hono `gw.mountTo()` (root: `app.route('/', toHonoApp(gw))`), Express
 * `app.use(prefix, toExpressHandler(gw))`, Fastify `register(toFastifyPlugin(gw), { prefix })`,
 * `node:http` dispatching by prefix to `toNodeHandler(gw, { mountPath })`. The gateway's
 * lifecycle follows the host: `close()` stops it.
 *
 * Needs `express` / `fastify` installed for those kinds; they are imported on demand.
 *
 * @example
 * ```ts
 * const host = await startHost({ kind: 'express', prefix: '/ai', gateway: gw })
 * await fetch(`${host.baseUrl}/v1/health`)
 * await host.close()
 * ```
 */
export async function startHost(options: StartHostOptions): Promise<RunningHost> {
  const hostname = options.hostname ?? '127.0.0.1'
  let server: Server
  let close: () => Promise<void>
  switch (options.kind) {
    case 'standalone': {
      if (options.prefix !== '') {
        throw new Error(
          'a standalone gateway serves at the root; put a prefix in front with server.root_path',
        )
      }
      const running = await options.gateway.listen({ port: 0, host: hostname })
      server = running.server
      close = running.close
      break
    }
    case 'hono':
      server = await startHono(options)
      close = () => closeServer(server)
      break
    case 'express':
      server = await startExpress(options)
      close = () => closeServer(server)
      break
    case 'fastify': {
      const fastify = await startFastify(options)
      server = fastify.server
      close = fastify.close
      break
    }
    case 'node':
      server = await startNode(options)
      close = () => closeServer(server)
      break
  }
  const address = server.address() as AddressInfo
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address
  const hostUrl = `http://${shownHost}:${address.port}`
  return {
    kind: options.kind,
    prefix: options.prefix,
    baseUrl: `${hostUrl}${options.prefix}`,
    hostUrl,
    server,
    close,
  }
}
