import { mkdtemp, rm } from 'node:fs/promises'
import type { Server } from 'node:http'
import { get as httpsGet } from 'node:https'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import express from 'express'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toExpressHandler } from '../src/adapters/hosts/express.ts'
import { closeServer, listenOnLoopback } from './support/http-server.ts'
import { addLiveStreamRoute, type LiveStreamProbe, liveStreamPath } from './support/live-stream.ts'
import { createMatrixGateway, type MatrixGateway } from './support/matrix-gateway.ts'
import { requireBinary } from './support/requirements.ts'
import {
  createSelfSignedCertificate,
  forwardingDirectives,
  freePort,
  nginxBinary,
  type RunningNginx,
  startNginx,
  tlsNginxConfig,
} from './support/tls-nginx.ts'

const nginx = requireBinary('nginx', nginxBinary, ['-v'])
const openssl = requireBinary('openssl', 'openssl', ['version'])

function locations(backendPort: number): string {
  const forwarding = forwardingDirectives('/public')
  return `
    # Default proxy_buffering: the gateway's X-Accel-Buffering: no keeps SSE live.
    location /public/ai/ {
      proxy_pass http://127.0.0.1:${backendPort}/ai/;${forwarding}
    }
    # Control: the same, but nginx ignores X-Accel-Buffering, so it buffers the stream.
    location /control/ai/ {
      proxy_pass http://127.0.0.1:${backendPort}/ai/;${forwarding}
      proxy_ignore_headers X-Accel-Buffering;
    }`
}

describe.skipIf(!nginx.available || !openssl.available)('behind nginx with TLS and a stripped prefix', () => {
  let dir: string
  let ca: Buffer
  let proxy: RunningNginx | undefined
  let origin: string
  let trusted: MatrixGateway
  let untrusted: MatrixGateway
  let control: LiveStreamProbe
  let backend: Server | undefined
  let direct: Server | undefined
  let directUrl: string

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'agw-nginx-'))
    ca = await createSelfSignedCertificate(dir)

    trusted = await createMatrixGateway()
    trusted.gateway.useProxyHeaders({ forwardedAllowIps: '127.0.0.1' })
    control = addLiveStreamRoute(trusted.gateway, {
      id: 'test.stream_control',
      path: '/test/stream-control',
      maxGapMs: 400,
    })
    const app = express()
    app.use('/ai', toExpressHandler(trusted.gateway))
    const started = await listenOnLoopback(app)
    backend = started.server

    // The same set-up, but its allowlist does not contain the loopback peer.
    untrusted = await createMatrixGateway()
    untrusted.gateway.useProxyHeaders({ forwardedAllowIps: ['10.0.0.0/8'] })
    const directApp = express()
    directApp.use('/ai', toExpressHandler(untrusted.gateway))
    const directStarted = await listenOnLoopback(directApp)
    direct = directStarted.server
    directUrl = `http://127.0.0.1:${directStarted.port}`

    const port = await freePort()
    proxy = await startNginx({
      dir,
      port,
      config: tlsNginxConfig({ dir, port, locations: locations(started.port) }),
    })
    origin = proxy.origin
  })

  afterAll(async () => {
    await proxy?.stop()
    await closeServer(backend)
    await closeServer(direct)
    for (const subject of [trusted, untrusted]) {
      await subject?.gateway.stop()
      await subject?.workspace.remove()
    }
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  /** GET over https, trusting our self-signed certificate; the body streams. */
  function get(url: string): Promise<Response> {
    return new Promise((resolve, reject) => {
      const request = httpsGet(url, { ca, timeout: 5000 }, (incoming) => {
        const headers = new Headers()
        for (let index = 0; index < incoming.rawHeaders.length; index += 2) {
          headers.append(incoming.rawHeaders[index] as string, incoming.rawHeaders[index + 1] as string)
        }
        const body = Readable.toWeb(incoming) as ReadableStream<Uint8Array>
        resolve(new Response(body, { status: incoming.statusCode ?? 500, headers }))
      })
      request.once('timeout', () => request.destroy(new Error(`timed out: ${url}`)))
      request.once('error', reject)
    })
  }

  it('puts https, the public host and /public/ai in OpenAPI servers', async () => {
    const response = await get(`${origin}/public/ai/openapi.json`)
    expect(response.status).toBe(200)
    const document = (await response.json()) as { servers: { url: string }[] }
    expect(document.servers).toEqual([{ url: `${origin}/public/ai` }])
  })

  it('builds every docs URL under /public/ai, and they resolve through the proxy', async () => {
    const page = await (await get(`${origin}/public/ai/docs`)).text()
    expect(page).toContain('data-spec-url="/public/ai/openapi.json"')
    expect(page).toContain(`data-oauth2-redirect-url="${origin}/public/ai/docs/oauth2-redirect.html"`)
    const links = [...page.matchAll(/(?:src|href|data-spec-url)="([^"]+)"/g)].map(
      (match) => match[1] as string,
    )
    expect(links.length).toBeGreaterThanOrEqual(4)
    for (const link of links) {
      expect(link.startsWith('/public/ai/'), link).toBe(true)
      const response = await get(`${origin}${link}`)
      expect(response.status, link).toBe(200)
      await response.arrayBuffer()
    }
  })

  it('answers API routes and unknown paths through the proxy', async () => {
    expect((await get(`${origin}/public/ai/v1/health`)).status).toBe(200)
    const missing = await get(`${origin}/public/ai/v1/nope`)
    expect(missing.status).toBe(404)
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('route_not_found')
  })

  it('ignores the same headers sent straight to a backend whose allowlist lacks the peer', async () => {
    const response = await fetch(`${directUrl}/ai/openapi.json`, {
      headers: {
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'evil.example',
        'x-forwarded-prefix': '/public',
        'x-forwarded-for': '203.0.113.7',
      },
    })
    const document = (await response.json()) as { servers: { url: string }[] }
    expect(document.servers).toEqual([{ url: `${directUrl}/ai` }])
  })

  it('streams SSE live with default proxy_buffering', async () => {
    const key = trusted.stream.nextKey()
    const response = await get(`${origin}/public/ai${liveStreamPath}?key=${key}`)
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    const timing = await trusted.stream.read(response, key)
    expect(timing.events).toEqual(['first', 'second'])
    expect(timing.firstArrivedAt).toBeLessThan(timing.secondSentAt)
  })

  it('control: when nginx ignores X-Accel-Buffering it buffers, and the probe notices', async () => {
    const key = control.nextKey()
    const timing = await control.read(await get(`${origin}/control/ai/test/stream-control?key=${key}`), key)
    expect(timing.events).toEqual(['first', 'second'])
    expect(timing.firstArrivedAt).toBeGreaterThan(timing.secondSentAt)
  })
})
