import { createServer, type Server } from 'node:http'
import { createAdaptorServer } from '@hono/node-server'
import express from 'express'
import Fastify from 'fastify'
import { Hono } from 'hono'
import { describe, expect, it, vi } from 'vitest'
import { toExpressHandler } from '../src/adapters/hosts/express.ts'
import { toFastifyPlugin } from '../src/adapters/hosts/fastify.ts'
import { attachGatewayToServer, toNodeHandler } from '../src/adapters/hosts/node.ts'
import { ConfigError, type Gateway } from '../src/index.ts'
import { useTestCleanups } from './support/test-cleanups.ts'

const cleanups = useTestCleanups()

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()))
}

describe('gw.mountTo(app, path)', () => {
  it.each(['', '/', '//', ' '])('refuses the root path %j with a ConfigError', async (path) => {
    const { gateway } = await cleanups.subject()
    expect(() => gateway.mountTo(new Hono(), path)).toThrow(ConfigError)
  })

  it('refuses paths that are not plain prefixes', async () => {
    const { gateway } = await cleanups.subject()
    expect(() => gateway.mountTo(new Hono(), '/ai?x=1')).toThrow(/plain path prefix/)
    expect(() => gateway.mountTo(new Hono(), '/a/../b')).toThrow(ConfigError)
  })

  it.each(['ai', '/ai/', '/ai'])('normalizes %j to /ai and returns the host', async (path) => {
    const { gateway } = await cleanups.subject()
    const host = new Hono()
    expect(gateway.mountTo(host, path)).toBe(host)
    const url = await cleanups.listen(
      createAdaptorServer({ fetch: host.fetch, overrideGlobalObjects: false }) as Server,
    )
    expect((await fetch(`${url}/ai/v1/health`)).status).toBe(200)
    const document = (await (await fetch(`${url}/ai/openapi.json`)).json()) as { servers: { url: string }[] }
    expect(document.servers[0]?.url).toBe(`${url}/ai`)
    expect((await fetch(`${url}/aix/v1/health`)).status).toBe(404)
  })

  it('serves a percent-encoded prefix: /x%20y is reached, links keep the encoding', async () => {
    const { gateway } = await cleanups.subject()
    const host = gateway.mountTo(new Hono(), '/x%20y')
    const url = await cleanups.listen(
      createAdaptorServer({ fetch: host.fetch, overrideGlobalObjects: false }) as Server,
    )
    expect((await fetch(`${url}/x%20y/v1/health`)).status).toBe(200)
    const page = await (await fetch(`${url}/x%20y/docs`)).text()
    expect(page).toContain('data-spec-url="/x%20y/openapi.json"')
  })

  it('refuses a backslash or control character in a prefix', async () => {
    const { gateway } = await cleanups.subject()
    expect(() => gateway.mountTo(new Hono(), '/a\\b')).toThrow(ConfigError)
    expect(() => gateway.mountTo(new Hono(), '/a\u0001b')).toThrow(ConfigError)
  })

  it('tells a Fastify user to write an encoded prefix decoded, as Fastify matches it', async () => {
    const { gateway } = await cleanups.subject()
    const app = Fastify()
    cleanups.add(() => app.close())
    await expect(app.register(toFastifyPlugin(gateway), { prefix: '/x%20y' }).ready()).rejects.toThrow(
      /register it as "\/x y"/,
    )
  })

  it('adds only routes under the prefix to the host, no middleware', async () => {
    const { gateway } = await cleanups.subject()
    const host = new Hono()
    gateway.mountTo(host, '/ai')
    expect(host.routes.map((route) => route.path)).toEqual(['/ai/*'])
  })

  it('refuses to mount once the gateway has started', async () => {
    const { gateway } = await cleanups.subject()
    await gateway.start()
    expect(() => gateway.mountTo(new Hono(), '/ai')).toThrow(ConfigError)
    expect(() => gateway.mountTo(new Hono(), '/ai')).toThrow(
      'mountTo() must be called before the gateway starts',
    )
  })
})

describe('gw.useProxyHeaders()', () => {
  const forwarded = {
    'x-forwarded-proto': 'https',
    'x-forwarded-host': 'api.example.com',
    'x-forwarded-prefix': '/edge',
  }
  const serversOf = async (response: Promise<Response>) =>
    ((await (await response).json()) as { servers: { url: string }[] }).servers[0]?.url

  it('trusts forwarded headers from the listed peers only', async () => {
    const { gateway } = await cleanups.subject(undefined, {
      server: { allowedHosts: ['127.0.0.1', 'api.example.com'] },
    })
    gateway.useProxyHeaders({ forwardedAllowIps: ['10.0.0.0/8', '192.168.1.1'] })
    const request = () => new Request('http://127.0.0.1:9/ai/openapi.json', { headers: forwarded })
    expect(await serversOf(gateway.fetch(request(), { mountPath: '/ai', remoteAddress: '10.1.2.3' }))).toBe(
      'https://api.example.com/edge/ai',
    )
    expect(
      await serversOf(gateway.fetch(request(), { mountPath: '/ai', remoteAddress: '203.0.113.9' })),
    ).toBe('http://127.0.0.1:9/ai')
  })

  it('accepts a comma-separated string and returns the gateway', async () => {
    const { gateway } = await cleanups.subject()
    expect(gateway.useProxyHeaders({ forwardedAllowIps: '127.0.0.1, ::1' })).toBe(gateway)
    await gateway.start()
    expect(gateway.config.proxy.forwardedAllowIps).toBe('127.0.0.1, ::1')
  })

  it('rejects an invalid entry where it is written', async () => {
    const { gateway } = await cleanups.subject()
    expect(() => gateway.useProxyHeaders({ forwardedAllowIps: ['not-an-ip'] })).toThrow(ConfigError)
  })

  it('refuses changes once the gateway has started', async () => {
    const { gateway } = await cleanups.subject()
    await gateway.start()
    expect(() => gateway.useProxyHeaders({ forwardedAllowIps: '127.0.0.1' })).toThrow(
      'useProxyHeaders() must be called before the gateway starts',
    )
  })
})

describe('lifecycle with the host', () => {
  const stopped = async (gateway: Gateway) => {
    const response = await gateway.fetch(new Request('http://gateway.test/v1/health'))
    return response.status === 503 && !gateway.started
  }

  it('starts with Fastify onReady and drains on close()', async () => {
    const { gateway } = await cleanups.subject()
    const app = Fastify()
    await app.register(toFastifyPlugin(gateway), { prefix: '/ai' })
    expect(gateway.started).toBe(false)
    await app.ready()
    expect(gateway.started).toBe(true)
    await app.close()
    expect(await stopped(gateway)).toBe(true)
  })

  it('starts when a node:http server listens and stops when it closes', async () => {
    const { gateway } = await cleanups.subject()
    const server = attachGatewayToServer(gateway, createServer(toNodeHandler(gateway)))
    expect(gateway.started).toBe(false)
    await cleanups.listen(server)
    await vi.waitFor(() => expect(gateway.started).toBe(true), { timeout: 2000, interval: 5 })
    await closeServer(server)
    await vi.waitFor(async () => expect(await stopped(gateway)).toBe(true), { timeout: 2000, interval: 5 })
  })

  it('starts at once when attached to a server that already listens', async () => {
    const { gateway } = await cleanups.subject()
    const server = createServer(toNodeHandler(gateway))
    await cleanups.listen(server)
    attachGatewayToServer(gateway, server)
    await vi.waitFor(() => expect(gateway.started).toBe(true), { timeout: 2000, interval: 5 })
  })

  it('starts lazily on the first request when nothing wires the lifecycle', async () => {
    const { gateway } = await cleanups.subject()
    const app = express()
    app.use('/ai', toExpressHandler(gateway))
    const url = await cleanups.listen(createServer(app))
    expect(gateway.started).toBe(false)
    expect((await fetch(`${url}/ai/v1/health`)).status).toBe(200)
    expect(gateway.started).toBe(true)
  })

  it('treats a second start() and stop() as no-ops', async () => {
    const { gateway } = await cleanups.subject()
    await Promise.all([gateway.start(), gateway.start()])
    const runtime = gateway.internalRuntime
    await gateway.start()
    expect(gateway.internalRuntime).toBe(runtime)
    await Promise.all([gateway.stop(), gateway.stop()])
    await gateway.stop()
    expect(await stopped(gateway)).toBe(true)
  })
})
