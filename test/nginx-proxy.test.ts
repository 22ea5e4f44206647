import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { get as httpsGet } from 'node:https'
import { type AddressInfo, connect } from 'node:net'
import { tmpdir, userInfo } from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import express from 'express'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expressHandler } from '../src/adapters/hosts/express.ts'
import { addLiveStreamRoute, type LiveStreamProbe, liveStreamPath } from './support/live-stream.ts'
import { createMatrixGateway, type MatrixGateway } from './support/matrix-gateway.ts'
import { requireBinary } from './support/requirements.ts'

const nginxBinary = '/usr/sbin/nginx'
const nginx = requireBinary('nginx', nginxBinary, ['-v'])
const openssl = requireBinary('openssl', 'openssl', ['version'])

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

async function listen(app: express.Express): Promise<{ server: Server; port: number }> {
  const server = createServer(app)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, port: (server.address() as AddressInfo).port }
}

function closeServer(server: Server | undefined): Promise<void> {
  if (!server) return Promise.resolve()
  server.closeAllConnections()
  return new Promise((resolve) => server.close(() => resolve()))
}

async function waitForPort(port: number, child: ChildProcess, errorLog: string): Promise<void> {
  const deadline = Date.now() + 5000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(
        `nginx exited with ${child.exitCode}:\n${await readFile(errorLog, 'utf8').catch(() => '')}`,
      )
    }
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port })
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (open) return
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`nginx did not listen on ${port} within 5 s`)
}

function nginxConfig(options: { dir: string; port: number; backendPort: number }): string {
  const { dir, port, backendPort } = options
  // Workers of a root master default to `nobody`, which cannot use this user's temp folder.
  const user = process.getuid?.() === 0 ? `user ${userInfo().username} root;` : ''
  const forwarding = `
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $http_host;
      proxy_set_header X-Forwarded-Prefix /public;`
  return `
${user}
worker_processes 1;
error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy_temp;
  fastcgi_temp_path ${dir}/fastcgi_temp;
  uwsgi_temp_path ${dir}/uwsgi_temp;
  scgi_temp_path ${dir}/scgi_temp;
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_certificate ${dir}/cert.pem;
    ssl_certificate_key ${dir}/key.pem;
    # Default proxy_buffering: the gateway's X-Accel-Buffering: no keeps SSE live.
    location /public/ai/ {
      proxy_pass http://127.0.0.1:${backendPort}/ai/;${forwarding}
    }
    # Control: the same, but nginx ignores X-Accel-Buffering, so it buffers the stream.
    location /control/ai/ {
      proxy_pass http://127.0.0.1:${backendPort}/ai/;${forwarding}
      proxy_ignore_headers X-Accel-Buffering;
    }
  }
}
`
}

describe.skipIf(!nginx.available || !openssl.available)('behind nginx with TLS and a stripped prefix', () => {
  let dir: string
  let ca: Buffer
  let child: ChildProcess | undefined
  let origin: string
  let trusted: MatrixGateway
  let untrusted: MatrixGateway
  let control: LiveStreamProbe
  let backend: Server | undefined
  let direct: Server | undefined
  let directUrl: string

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'agw-nginx-'))
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore', timeout: 10_000 },
    )
    ca = await readFile(path.join(dir, 'cert.pem'))

    trusted = await createMatrixGateway()
    trusted.gateway.useProxyHeaders({ forwardedAllowIps: '127.0.0.1' })
    control = addLiveStreamRoute(trusted.gateway, {
      id: 'test.stream_control',
      path: '/test/stream-control',
      maxGapMs: 400,
    })
    const app = express()
    app.use('/ai', expressHandler(trusted.gateway))
    const started = await listen(app)
    backend = started.server

    // The same set-up, but its allowlist does not contain the loopback peer.
    untrusted = await createMatrixGateway()
    untrusted.gateway.useProxyHeaders({ forwardedAllowIps: ['10.0.0.0/8'] })
    const directApp = express()
    directApp.use('/ai', expressHandler(untrusted.gateway))
    const directStarted = await listen(directApp)
    direct = directStarted.server
    directUrl = `http://127.0.0.1:${directStarted.port}`

    const port = await freePort()
    await writeFile(path.join(dir, 'nginx.conf'), nginxConfig({ dir, port, backendPort: started.port }))
    const errorLog = path.join(dir, 'error.log')
    child = spawn(
      nginxBinary,
      [
        '-p',
        dir,
        '-e',
        errorLog,
        '-c',
        path.join(dir, 'nginx.conf'),
        '-g',
        `daemon off; pid ${dir}/nginx.pid;`,
      ],
      { stdio: 'ignore' },
    )
    await waitForPort(port, child, errorLog)
    origin = `https://127.0.0.1:${port}`
  })

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child?.kill('SIGKILL'), 3000)
      await exited
      clearTimeout(timer)
    }
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
