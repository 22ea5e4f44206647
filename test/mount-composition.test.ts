import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createAdaptorServer } from '@hono/node-server'
import express from 'express'
import Fastify from 'fastify'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { toExpressHandler } from '../src/adapters/hosts/express.ts'
import { toFastifyPlugin } from '../src/adapters/hosts/fastify.ts'
import { toHonoApp } from '../src/adapters/hosts/hono.ts'
import { toNodeHandler } from '../src/adapters/hosts/node.ts'
import { hostKinds, startHost } from '../src/testing/index.ts'
import { useTestCleanups } from './support/test-cleanups.ts'

const cleanups = useTestCleanups()

const serveHono = (app: Hono) =>
  cleanups.listen(createAdaptorServer({ fetch: app.fetch, overrideGlobalObjects: false }) as Server)

/** What the gateway believes its public base is, and that it really answers there. */
async function publicBase(gatewayUrl: string, headers: Record<string, string> = {}): Promise<string> {
  const health = await fetch(`${gatewayUrl}/v1/health`)
  expect(health.status, `${gatewayUrl}/v1/health`).toBe(200)
  const document = (await (await fetch(`${gatewayUrl}/openapi.json`, { headers })).json()) as {
    servers: { url: string }[]
  }
  const page = await (await fetch(`${gatewayUrl}/docs`, { headers })).text()
  const specUrl = /data-spec-url="([^"]+)"/.exec(page)?.[1]
  const server = document.servers[0]?.url ?? ''
  expect(specUrl).toBe(`${new URL(server).pathname.replace(/\/$/, '')}/openapi.json`)
  return server
}

describe('nested mounts compose their prefixes', () => {
  it('Hono: a host mounted in a parent with route()', async () => {
    const { gateway } = await cleanups.subject()
    const host = gateway.mountTo(new Hono(), '/ai')
    const parent = new Hono().route('/x', host)
    const url = await serveHono(parent)
    expect(await publicBase(`${url}/x/ai`)).toBe(`${url}/x/ai`)
  })

  it('Hono: a host with basePath()', async () => {
    const { gateway } = await cleanups.subject()
    const host = gateway.mountTo(new Hono().basePath('/base'), '/ai')
    const url = await serveHono(host)
    expect(await publicBase(`${url}/base/ai`)).toBe(`${url}/base/ai`)
  })

  it('Hono: a parent route with a parameter resolves to the requested path', async () => {
    const { gateway } = await cleanups.subject()
    const parent = new Hono().route('/t/:tenant', gateway.mountTo(new Hono(), '/ai'))
    const url = await serveHono(parent)
    expect(await publicBase(`${url}/t/acme/ai`)).toBe(`${url}/t/acme/ai`)
    expect(await publicBase(`${url}/t/umbrella/ai`)).toBe(`${url}/t/umbrella/ai`)
  })

  it('Hono: the root wiring inside a nested host', async () => {
    const { gateway } = await cleanups.subject()
    const host = new Hono()
    host.get('/', (c) => c.json({ message: 'Main application' }))
    host.route('/', toHonoApp(gateway))
    const url = await serveHono(new Hono().route('/x', host))
    expect(await (await fetch(`${url}/x`)).json()).toEqual({ message: 'Main application' })
    expect(await publicBase(`${url}/x`)).toBe(`${url}/x`)
  })

  it('Express: routers nested in routers', async () => {
    const { gateway } = await cleanups.subject()
    const inner = express.Router()
    inner.use('/ai', toExpressHandler(gateway))
    const app = express()
    app.use('/x', inner)
    const url = await cleanups.listen(createServer(app))
    expect(await publicBase(`${url}/x/ai`)).toBe(`${url}/x/ai`)
  })

  it('Connect style: toNodeHandler as middleware, with its own mountPath inside a stripped prefix', async () => {
    const { gateway } = await cleanups.subject()
    const app = express()
    app.use('/x', toNodeHandler(gateway, { mountPath: '/ai' }))
    const url = await cleanups.listen(createServer(app))
    expect(await publicBase(`${url}/x/ai`)).toBe(`${url}/x/ai`)
  })

  it('Fastify: plugins registered inside prefixed plugins', async () => {
    const { gateway } = await cleanups.subject()
    const app = Fastify()
    await app.register(
      async (scope) => {
        await scope.register(toFastifyPlugin(gateway), { prefix: '/ai' })
      },
      { prefix: '/x' },
    )
    await app.listen({ port: 0, host: '127.0.0.1' })
    cleanups.add(() => app.close())
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
    expect(await publicBase(`${url}/x/ai`)).toBe(`${url}/x/ai`)
  })
})

describe('server.root_path and X-Forwarded-Prefix with nested mounts', () => {
  const forwarded = {
    'x-forwarded-proto': 'https',
    'x-forwarded-host': 'api.example.com',
    'x-forwarded-prefix': '/edge',
  }
  // The host the proxy forwards is one the gateway builds absolute URLs for.
  const proxiedHosts = ['127.0.0.1', 'api.example.com']

  it('puts server.root_path in front of the nested mount path', async () => {
    const { gateway } = await cleanups.subject(undefined, { server: { rootPath: '/public' } })
    const url = await serveHono(new Hono().route('/x', gateway.mountTo(new Hono(), '/ai')))
    expect(await publicBase(`${url}/x/ai`)).toBe(`${url}/public/x/ai`)
  })

  it('lets a trusted X-Forwarded-Prefix replace server.root_path', async () => {
    const { gateway } = await cleanups.subject(undefined, {
      server: { rootPath: '/public', allowedHosts: proxiedHosts },
    })
    gateway.useProxyHeaders({ forwardedAllowIps: '127.0.0.1' })
    const app = express()
    app.use('/x', express.Router().use('/ai', toExpressHandler(gateway)))
    const url = await cleanups.listen(createServer(app))
    expect(await publicBase(`${url}/x/ai`, forwarded)).toBe('https://api.example.com/edge/x/ai')
  })

  it.each(hostKinds.filter((kind) => kind !== 'standalone'))(
    'passes the socket peer to the gateway on %s, so the allowlist can trust it',
    async (kind) => {
      const { gateway } = await cleanups.subject(undefined, { server: { allowedHosts: proxiedHosts } })
      gateway.useProxyHeaders({ forwardedAllowIps: '127.0.0.1' })
      const host = await startHost({ kind, prefix: '/ai', gateway })
      cleanups.add(() => host.close())
      expect(await publicBase(host.baseUrl, forwarded)).toBe('https://api.example.com/edge/ai')
    },
  )

  it('ignores X-Forwarded-* from a peer outside the allowlist', async () => {
    const { gateway } = await cleanups.subject(undefined, { server: { rootPath: '/public' } })
    gateway.useProxyHeaders({ forwardedAllowIps: ['10.0.0.0/8'] })
    const app = Fastify()
    await app.register(toFastifyPlugin(gateway), { prefix: '/ai' })
    await app.listen({ port: 0, host: '127.0.0.1' })
    cleanups.add(() => app.close())
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
    expect(await publicBase(`${url}/ai`, forwarded)).toBe(`${url}/public/ai`)
  })
})

describe('two gateways in one host', () => {
  const agentIds = async (url: string) =>
    ((await (await fetch(`${url}/v1/agents`)).json()) as { id: string }[]).map((agent) => agent.id)

  it.each(['hono', 'express'] as const)('run side by side at /a and /b on %s', async (kind) => {
    const a = await cleanups.subject(['alpha'])
    const b = await cleanups.subject(['beta', 'gamma'])
    let url: string
    if (kind === 'hono') {
      const host = new Hono()
      a.gateway.mountTo(host, '/a')
      b.gateway.mountTo(host, '/b')
      url = await serveHono(host)
    } else {
      const app = express()
      app.use('/a', toExpressHandler(a.gateway))
      app.use('/b', toExpressHandler(b.gateway))
      url = await cleanups.listen(createServer(app))
    }
    expect(await agentIds(`${url}/a`)).toEqual(['alpha', 'later'])
    expect(await agentIds(`${url}/b`)).toEqual(['beta', 'gamma', 'later'])
    expect(await publicBase(`${url}/a`)).toBe(`${url}/a`)
    expect(await publicBase(`${url}/b`)).toBe(`${url}/b`)
    // Independent state: stopping one leaves the other serving.
    await a.gateway.stop()
    expect((await fetch(`${url}/a/v1/health`)).status).toBe(503)
    expect((await fetch(`${url}/b/v1/health`)).status).toBe(200)
    expect(b.gateway.started).toBe(true)
  })
})
