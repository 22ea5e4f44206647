import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createAdaptorServer } from '@hono/node-server'
import { afterEach, describe, expect, it } from 'vitest'
import { createApp as createExpressApp } from '../examples/mount-express/server.ts'
import { build as buildFastifyApp } from '../examples/mount-fastify/server.ts'
import { createApp as createHonoApp } from '../examples/mount-hono/server.ts'
import { createApp as createNodeApp } from '../examples/mount-node/server.ts'
import { attachGatewayToServer } from '../src/adapters/hosts/node.ts'

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  closers.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  )
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** What every mount example promises: the host's `/` and the quickstart gateway at `/ai`. */
async function expectFullExample(url: string): Promise<void> {
  expect(await (await fetch(`${url}/`)).json()).toEqual({ message: 'Main application' })
  expect(await (await fetch(`${url}/ai/v1/health`)).json()).toMatchObject({ status: 'ok', agent_count: 4 })
  const document = (await (await fetch(`${url}/ai/openapi.json`)).json()) as { servers: { url: string }[] }
  // No server.public_url or allowed_hosts in the examples: links stay relative to the request.
  expect(document.servers).toEqual([{ url: '/ai' }])
}

describe('mount examples', () => {
  it('examples/mount-hono', async () => {
    const { app, gateway } = createHonoApp()
    const url = await listen(
      attachGatewayToServer(
        gateway,
        createAdaptorServer({ fetch: app.fetch, overrideGlobalObjects: false }) as Server,
      ),
    )
    await expectFullExample(url)
  })

  it('examples/mount-express', async () => {
    const { app, gateway } = createExpressApp()
    const url = await listen(attachGatewayToServer(gateway, createServer(app)))
    await expectFullExample(url)
  })

  it('examples/mount-express: the gateway, not express.json(), judges bodies under /ai', async () => {
    const { app, gateway } = createExpressApp()
    const url = await listen(attachGatewayToServer(gateway, createServer(app)))
    // 150 KB: over express.json()'s 100 KB default, under the gateway's 1 MiB body limit.
    const response = await fetch(`${url}/ai/v1/agents/weather/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'x'.repeat(150_000) }),
    })
    expect(response.status).toBe(422)
    expect(response.headers.get('content-type')).toContain('application/json')
    expect(
      ((await response.json()) as { error: { details: { path: string }[] } }).error.details[0]?.path,
    ).toBe('/body/message')
  })

  it('examples/mount-fastify', async () => {
    const app = await buildFastifyApp()
    await app.listen({ port: 0, host: '127.0.0.1' })
    closers.push(() => app.close())
    await expectFullExample(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`)
  })

  it('examples/mount-node', async () => {
    const { server, gateway } = createNodeApp()
    const url = await listen(server)
    await expectFullExample(url)
    expect((await fetch(`${url}/elsewhere`)).status).toBe(404)
    expect(gateway.started).toBe(true)
  })
})
