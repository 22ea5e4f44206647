import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createAdaptorServer } from '@hono/node-server'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMatrixGateway, type MatrixGateway } from './support/matrix-gateway.ts'

describe('Hono host whose middleware read the body first', () => {
  let subject: MatrixGateway
  let server: Server
  let url: string
  const seenByHost: unknown[] = []

  beforeAll(async () => {
    subject = await createMatrixGateway()
    const app = new Hono()
    // Host middleware in front of the mount that parses bodies, e.g. for audit logging.
    app.use('/ai/*', async (c, next) => {
      if (c.req.method === 'POST') {
        const type = c.req.header('content-type') ?? ''
        seenByHost.push(type.startsWith('application/json') ? await c.req.json() : await c.req.parseBody())
      }
      await next()
    })
    subject.gateway.mountTo(app, '/ai')
    server = createAdaptorServer({ fetch: app.fetch, overrideGlobalObjects: false }) as Server
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    server?.closeAllConnections()
    await new Promise((resolve) => server?.close(resolve))
    await subject.gateway.stop()
    await subject.workspace.remove()
  })

  it('forwards a JSON body from Hono’s body cache', async () => {
    const response = await fetch(`${url}/ai/test/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a": 1}',
    })
    expect(await response.json()).toEqual({ contentType: 'application/json', body: '{"a": 1}' })
    expect(seenByHost.at(-1)).toEqual({ a: 1 })
  })

  it('forwards a multipart form the host parsed, with a matching boundary', async () => {
    const form = new FormData()
    form.append('city', 'Lyon')
    const response = await fetch(`${url}/ai/test/echo`, { method: 'POST', body: form })
    const echoed = (await response.json()) as { contentType: string; body: string }
    const boundary = /boundary=(.+)$/.exec(echoed.contentType)?.[1]
    expect(boundary).toBeDefined()
    expect(echoed.body).toContain(`--${boundary}`)
    expect(echoed.body).toContain('name="city"\r\n\r\nLyon')
    expect(seenByHost.at(-1)).toEqual({ city: 'Lyon' })
  })
})
