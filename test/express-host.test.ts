import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gzipSync } from 'node:zlib'
import compression from 'compression'
import express, { type ErrorRequestHandler } from 'express'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toExpressHandler } from '../src/adapters/hosts/express.ts'
import { addLiveStreamRoute, type LiveStreamProbe, liveStreamPath } from './support/live-stream.ts'
import { createMatrixGateway, type MatrixGateway } from './support/matrix-gateway.ts'

async function listen(app: express.Express): Promise<{ url: string; server: Server }> {
  const server = await new Promise<Server>((resolve) => {
    const started = app.listen(0, '127.0.0.1', () => resolve(started))
  })
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }
}

function close(server: Server | undefined): Promise<void> {
  if (!server) return Promise.resolve()
  server.closeAllConnections()
  return new Promise((resolve) => server.close(() => resolve()))
}

interface Echo {
  contentType: string | null
  body: string
}

describe('Express host with body parsers before the mount', () => {
  let subject: MatrixGateway
  let server: Server
  let url: string
  const hostErrors: unknown[] = []

  beforeAll(async () => {
    subject = await createMatrixGateway()
    const app = express()
    // The usual host set-up: parsers for the whole app, ahead of the gateway.
    app.use(
      '/kept',
      express.json({ verify: (request, _response, bytes) => Object.assign(request, { rawBody: bytes }) }),
    )
    app.use(express.json())
    app.use(express.text())
    app.use(express.raw({ type: 'application/octet-stream' }))
    app.use(express.urlencoded({ extended: true }))
    app.use('/ai', toExpressHandler(subject.gateway))
    app.use('/kept/ai', toExpressHandler(subject.gateway))
    const onError: ErrorRequestHandler = (error, _request, response, _next) => {
      hostErrors.push(error)
      response.status(500).json({ host_error: (error as Error).name })
    }
    app.use(onError)
    ;({ server, url } = await listen(app))
  })
  afterAll(async () => {
    await close(server)
    await subject.gateway.stop()
    await subject.workspace.remove()
  })

  const echo = async (path: string, init: RequestInit): Promise<Echo> => {
    const response = await fetch(`${url}${path}`, { method: 'POST', ...init })
    expect(response.status).toBe(200)
    return (await response.json()) as Echo
  }

  it('forwards a JSON body that express.json() already parsed', async () => {
    const result = await echo('/ai/test/echo', {
      headers: { 'content-type': 'application/json' },
      body: '{ "city": "Zürich", "days": [1, 2] }',
    })
    expect(JSON.parse(result.body)).toEqual({ city: 'Zürich', days: [1, 2] })
    expect(result.contentType).toBe('application/json; charset=utf-8')
  })

  it('forwards the exact bytes when the host keeps req.rawBody', async () => {
    const body = '{ "city": "Zürich",\n  "days": [1, 2] }'
    const result = await echo('/kept/ai/test/echo', { headers: { 'content-type': 'application/json' }, body })
    expect(result.body).toBe(body)
  })

  it('forwards a text body that express.text() already parsed', async () => {
    const result = await echo('/ai/test/echo', {
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: 'plain text, ünïcödé',
    })
    expect(result).toEqual({ contentType: 'text/plain; charset=utf-8', body: 'plain text, ünïcödé' })
  })

  it('forwards a raw body that express.raw() already read', async () => {
    const result = await echo('/ai/test/echo', {
      headers: { 'content-type': 'application/octet-stream' },
      body: 'raw bytes',
    })
    expect(result).toEqual({ contentType: 'application/octet-stream', body: 'raw bytes' })
  })

  it('forwards a flat urlencoded form that express.urlencoded() already parsed', async () => {
    const result = await echo('/ai/test/echo', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1&b=x+y&b=z',
    })
    expect(result).toEqual({ contentType: 'application/x-www-form-urlencoded', body: 'a=1&b=x+y&b=z' })
  })

  it('forwards a gzip-encoded JSON body decoded, without its Content-Encoding', async () => {
    const result = await echo('/ai/test/echo', {
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync('{"zipped":true}'),
    })
    expect(JSON.parse(result.body)).toEqual({ zipped: true })
  })

  it('keeps an empty JSON body empty', async () => {
    const result = await echo('/ai/test/echo', { headers: { 'content-type': 'application/json' }, body: '' })
    expect(result.body).toBe('')
  })

  it('streams bodies no host parser claimed', async () => {
    const result = await echo('/ai/test/echo', {
      headers: { 'content-type': 'text/csv' },
      body: 'a,b\n1,2\n',
    })
    expect(result).toEqual({ contentType: 'text/csv', body: 'a,b\n1,2\n' })
  })

  it('passes a body it cannot rebuild faithfully to the host error handler', async () => {
    const response = await fetch(`${url}/ai/test/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a[b]=1',
    })
    expect(response.status).toBe(500)
    expect(await response.json()).toEqual({ host_error: 'ConsumedBodyError' })
    expect(String(hostErrors.at(-1))).toContain('Mount the gateway before body parsers')
  })

  it('still serves GET routes after the parsers', async () => {
    const response = await fetch(`${url}/ai/v1/health`)
    expect(response.status).toBe(200)
  })
})

describe('Express host with compression()', () => {
  let subject: MatrixGateway
  let buffered: LiveStreamProbe
  let server: Server
  let url: string

  beforeAll(async () => {
    subject = await createMatrixGateway()
    // A control stream without `no-transform`: compression() may gzip (and so buffer) it.
    buffered = addLiveStreamRoute(subject.gateway, {
      id: 'test.stream_transformable',
      path: '/test/stream-transformable',
      maxGapMs: 300,
      headers: { 'Cache-Control': 'no-cache', 'X-Accel-Buffering': 'yes' },
    })
    const app = express()
    app.use(compression())
    app.use('/ai', toExpressHandler(subject.gateway))
    ;({ server, url } = await listen(app))
  })
  afterAll(async () => {
    await close(server)
    await subject.gateway.stop()
    await subject.workspace.remove()
  })

  it('lets SSE through uncompressed and live', async () => {
    const key = subject.stream.nextKey()
    const response = await fetch(`${url}/ai${liveStreamPath}?key=${key}`, {
      headers: { 'accept-encoding': 'gzip' },
    })
    expect(response.headers.get('content-encoding')).toBeNull()
    const timing = await subject.stream.read(response, key)
    expect(timing.events).toEqual(['first', 'second'])
    expect(timing.firstArrivedAt).toBeLessThan(timing.secondSentAt)
  })

  it('still compresses ordinary gateway responses', async () => {
    const response = await fetch(`${url}/ai/docs/assets/swagger-ui.css`, {
      headers: { 'accept-encoding': 'gzip' },
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-encoding')).toBe('gzip')
    expect((await response.text()).length).toBeGreaterThan(1000)
  })

  it('control: a stream without no-transform is buffered, and the probe notices', async () => {
    const key = buffered.nextKey()
    const response = await fetch(`${url}/ai/test/stream-transformable?key=${key}`, {
      headers: { 'accept-encoding': 'gzip' },
    })
    expect(response.headers.get('content-encoding')).toBe('gzip')
    const timing = await buffered.read(response, key)
    expect(timing.events).toEqual(['first', 'second'])
    expect(timing.firstArrivedAt).toBeGreaterThan(timing.secondSentAt)
  })
})
