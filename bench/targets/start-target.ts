import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Gateway, type GatewayOptions } from 'agentgw'
import { attachGatewayToServer, toExpressHandler } from 'agentgw/express'
import express from 'express'
import { Hono } from 'hono'
import type { TargetSpec } from '../protocol.ts'
import { createBaselineApp } from './baseline-app.ts'

/** A started target: where it listens and how to stop it. */
export interface RunningTarget {
  port: number
  /** Prefix in front of gateway paths (`/ai` when mounted). */
  basePath: string
  close(): Promise<void>
}

/** Where the gateway keeps its state for each kind of target. */
function persistenceFor(spec: TargetSpec): GatewayOptions['persistence'] {
  switch (spec.kind) {
    case 'sqlite':
      return { enabled: true, backend: 'sqlite', url: spec.sqliteFile }
    case 'postgres':
      return { enabled: true, backend: 'postgres', url: spec.postgres?.url, schema: spec.postgres?.schema }
    default:
      return { enabled: false }
  }
}

function gatewayFor(spec: TargetSpec): Gateway {
  return new Gateway({
    workspace: spec.workspace,
    auth: { mode: 'none' },
    persistence: persistenceFor(spec),
    server: { sseKeepaliveSeconds: spec.keepaliveSeconds ?? 15 },
  })
}

function listening(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    const done = () => resolve((server.address() as AddressInfo).port)
    if (server.listening) return done()
    server.once('listening', done)
    server.once('error', reject)
  })
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections()
  })
}

/** Starts one target on 127.0.0.1 with an ephemeral port. */
export async function startTarget(spec: TargetSpec): Promise<RunningTarget> {
  switch (spec.kind) {
    case 'baseline': {
      const app = createBaselineApp(spec.replies ?? {})
      const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server
      return { port: await listening(server), basePath: '', close: () => closeServer(server) }
    }
    case 'express': {
      const gateway = gatewayFor(spec)
      const app = express()
      app.use('/ai', toExpressHandler(gateway))
      const server = attachGatewayToServer(gateway, app.listen(0, '127.0.0.1'))
      const port = await listening(server)
      await gateway.start()
      return { port, basePath: '/ai', close: () => closeServer(server) }
    }
    case 'hono': {
      const gateway = gatewayFor(spec)
      const app = gateway.mountTo(new Hono(), '/ai')
      const server = serve({
        fetch: app.fetch,
        port: 0,
        hostname: '127.0.0.1',
        overrideGlobalObjects: false,
      }) as Server
      attachGatewayToServer(gateway, server)
      const port = await listening(server)
      await gateway.start()
      return { port, basePath: '/ai', close: () => closeServer(server) }
    }
    default: {
      const gateway = gatewayFor(spec)
      const listener = await gateway.listen({ port: 0, host: '127.0.0.1' })
      return { port: listener.port, basePath: '', close: () => listener.close() }
    }
  }
}
