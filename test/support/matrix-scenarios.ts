import { expect } from 'vitest'
import { type HostCell, hostRoutes, type RunningHost } from '../../src/testing/index.ts'
import { liveStreamPath } from './live-stream.ts'
import { type MatrixGateway, matrixDashboardAdmin } from './matrix-gateway.ts'
import { sendRaw } from './raw-http.ts'
import { readSse } from './read-sse.ts'

/** What a scenario gets: the running host cell and the gateway mounted in it. */
export interface ScenarioContext {
  host: RunningHost
  subject: MatrixGateway
}

/** One HTTP behaviour checked on every host × prefix cell. */
export interface MatrixScenario {
  name: string
  /** Cells the scenario makes sense on; every cell when omitted. */
  appliesTo?: (cell: HostCell) => boolean
  run(context: ScenarioContext): Promise<void>
}

async function json(response: Response): Promise<unknown> {
  expect(response.headers.get('content-type') ?? '').toContain('application/json')
  return response.json()
}

/**
 * The scenarios of test/mount-matrix.test.ts.
 *
 * Features that add routes add their cross-host checks here, so they run on every host and
 * prefix. A scenario must assert
 * observable behaviour through `host.baseUrl`; never add one that passes without a gateway.
 */
export const matrixScenarios: MatrixScenario[] = [
  {
    name: 'serves health under the prefix',
    async run({ host, subject }) {
      const response = await fetch(`${host.baseUrl}/v1/health`)
      expect(response.status).toBe(200)
      expect(await json(response)).toMatchObject({ status: 'ok', agent_count: subject.agentIds.length })
    },
  },
  {
    name: 'lists the agents of its workspace',
    async run({ host, subject }) {
      const response = await fetch(`${host.baseUrl}/v1/agents`, subject.authorized())
      expect(response.status).toBe(200)
      const agents = (await json(response)) as { id: string }[]
      expect(agents.map((agent) => agent.id).sort()).toEqual([...subject.agentIds].sort())
    },
  },
  {
    name: 'answers an unknown path under the prefix with the error envelope',
    async run({ host }) {
      const response = await fetch(`${host.baseUrl}/v1/no-such-thing`)
      expect(response.status).toBe(404)
      expect(await json(response)).toEqual({
        error: { code: 'route_not_found', message: 'No route for GET /v1/no-such-thing.' },
      })
    },
  },
  {
    name: 'puts the external base URL in OpenAPI servers',
    async run({ host }) {
      const document = (await json(await fetch(`${host.baseUrl}/openapi.json`))) as {
        servers: { url: string }[]
      }
      expect(document.servers[0]?.url).toBe(host.baseUrl)
    },
  },
  {
    name: 'builds no absolute URL from a Host header outside server.allowed_hosts',
    async run({ host, subject }) {
      const spoofed = { host: 'evil.example' }
      const document = await sendRaw(`${host.baseUrl}/openapi.json`, { headers: spoofed })
      expect(document.body.servers).toEqual([{ url: host.prefix || '/' }])
      const accepted = await sendRaw(`${host.baseUrl}/v1/agents/later/invoke`, {
        method: 'POST',
        headers: {
          ...spoofed,
          ...(subject.authorized().headers as Record<string, string>),
          'content-type': 'application/json',
        },
        body: '{"message":"spoofed"}',
      })
      expect(accepted.status).toBe(202)
      expect(accepted.headers.location).toBe(`${host.prefix}/v1/executions/${accepted.body.execution_id}`)
    },
  },
  {
    name: 'serves the docs page with the spec and assets under the prefix',
    async run({ host }) {
      const response = await fetch(`${host.baseUrl}/docs`)
      expect(response.status).toBe(200)
      const page = await response.text()
      expect(page).toContain(`data-spec-url="${host.prefix}/openapi.json"`)
      const assets = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] as string)
      expect(assets.length).toBeGreaterThanOrEqual(3)
      for (const asset of assets) {
        expect(asset.startsWith(`${host.prefix}/docs/assets/`), asset).toBe(true)
        const fetched = await fetch(`${host.hostUrl}${asset}`)
        expect(fetched.status, asset).toBe(200)
        await fetched.arrayBuffer()
      }
      const spec = await fetch(`${host.hostUrl}${host.prefix}/openapi.json`)
      expect(spec.status).toBe(200)
      await spec.arrayBuffer()
    },
  },
  {
    name: 'leaves the host routes to the host',
    appliesTo: (host) => host.kind !== 'standalone',
    async run({ host }) {
      expect(await json(await fetch(`${host.hostUrl}${hostRoutes.root.path}`))).toEqual(hostRoutes.root.body)
      expect(await json(await fetch(`${host.hostUrl}${hostRoutes.health.path}`))).toEqual(
        hostRoutes.health.body,
      )
    },
  },
  {
    name: 'serves custom routes declared with gw.route under the prefix',
    async run({ host, subject }) {
      const hello = await fetch(`${host.baseUrl}/test/hello`, subject.authorized())
      expect(hello.status).toBe(200)
      expect(await json(hello)).toEqual({ hello: 'from a custom route', path: '/test/hello' })
      const echo = await fetch(
        `${host.baseUrl}/test/echo`,
        subject.authorized({
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ping: 'ü' }),
        }),
      )
      expect(echo.status).toBe(200)
      expect(await json(echo)).toEqual({ contentType: 'application/json', body: '{"ping":"ü"}' })
    },
  },
  {
    name: 'answers HEAD like GET, without a body',
    async run({ host }) {
      const response = await fetch(`${host.baseUrl}/v1/health`, { method: 'HEAD' })
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toContain('application/json')
      expect(await response.text()).toBe('')
    },
  },
  {
    name: 'answers bodiless OPTIONS and DELETE with Allow (204, 405 envelope), not a crash',
    async run({ host }) {
      const options = await fetch(`${host.baseUrl}/v1/health`, { method: 'OPTIONS' })
      expect(options.status).toBe(204)
      expect(options.headers.get('allow')).toBe('GET, HEAD, OPTIONS')
      const response = await fetch(`${host.baseUrl}/v1/health`, { method: 'DELETE' })
      expect(response.status).toBe(405)
      expect(response.headers.get('allow')).toBe('GET, HEAD, OPTIONS')
      expect(((await json(response)) as { error: { code: string } }).error.code).toBe('method_not_allowed')
    },
  },
  {
    name: 'streams a chunked request body (no Content-Length) to the gateway',
    async run({ host, subject }) {
      const chunks = ['{"part":', '"one",', '"more":2}']
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk))
          controller.close()
        },
      })
      const init: RequestInit & { duplex: 'half' } = {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        duplex: 'half',
      }
      const response = await fetch(`${host.baseUrl}/test/echo`, subject.authorized(init))
      expect(response.status).toBe(200)
      expect(await json(response)).toEqual({ contentType: 'application/json', body: chunks.join('') })
    },
  },
  {
    name: "applies the gateway's body limit, whatever the host's own limits",
    async run({ host, subject }) {
      const response = await fetch(
        `${host.baseUrl}/test/echo`,
        subject.authorized({
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text: 'x'.repeat(subject.maxBodyBytes) }),
        }),
      )
      expect(response.status).toBe(413)
      expect(((await json(response)) as { error: { code: string } }).error.code).toBe('payload_too_large')
    },
  },
  {
    name: 'streams SSE from a custom route live',
    async run({ host, subject }) {
      const key = subject.stream.nextKey()
      const response = await fetch(`${host.baseUrl}${liveStreamPath}?key=${key}`, subject.authorized())
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
      const timing = await subject.stream.read(response, key)
      expect(timing.events).toEqual(['first', 'second'])
      expect(timing.firstArrivedAt).toBeLessThan(timing.secondSentAt)
    },
  },
  {
    name: 'requires credentials for gateway routes but leaves host routes alone',
    async run({ host }) {
      const refused = await fetch(`${host.baseUrl}/v1/agents`)
      expect(refused.status).toBe(401)
      expect(refused.headers.get('www-authenticate')).toBe('Bearer')
      if (host.kind !== 'standalone') {
        const hostRoute = await fetch(`${host.hostUrl}${hostRoutes.health.path}`)
        expect(hostRoute.status).toBe(200)
        expect(hostRoute.headers.get('content-security-policy')).toBeNull()
      }
    },
  },
  {
    name: 'invokes an agent',
    async run({ host, subject }) {
      const response = await fetch(
        `${host.baseUrl}/v1/agents/helper/invoke`,
        subject.authorized({
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"message":"ping"}',
        }),
      )
      expect(response.status).toBe(200)
      expect(await json(response)).toMatchObject({ status: 'completed', result: { output: 'Echo: ping' } })
    },
  },
  {
    name: 'streams a chat turn as SSE that ends with done',
    async run({ host, subject }) {
      const response = await fetch(
        `${host.baseUrl}/v1/agents/helper/chat`,
        subject.authorized({
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ message: 'hello stream', options: { stream: true } }),
        }),
      )
      expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
      const { events } = await readSse(response)
      expect(events[0]?.event).toBe('session')
      const text = events
        .filter((event) => event.event === 'token')
        .map((event) => (event.data as { content: string }).content)
        .join('')
      expect(text).toBe('Echo: hello stream')
      expect(events.at(-1)).toMatchObject({ event: 'done', data: { status: 'completed' } })
    },
  },
  {
    name: 'queues an async run with a prefixed poll_url that leads to the result',
    async run({ host, subject }) {
      const accepted = await fetch(
        `${host.baseUrl}/v1/agents/later/invoke`,
        subject.authorized({
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"message":"later"}',
        }),
      )
      expect(accepted.status).toBe(202)
      const body = (await json(accepted)) as { execution_id: string; poll_url: string }
      expect(body.poll_url).toBe(`${host.prefix}/v1/executions/${body.execution_id}`)
      expect(accepted.headers.get('location')).toBe(`${host.hostUrl}${body.poll_url}`)
      const deadline = Date.now() + 10_000
      let record: { status: string; result?: { output: unknown } } = { status: 'queued' }
      while (Date.now() < deadline && !['completed', 'failed'].includes(record.status)) {
        await new Promise((resolve) => setTimeout(resolve, 50))
        record = (await json(
          await fetch(`${host.hostUrl}${body.poll_url}`, subject.authorized()),
        )) as typeof record
      }
      expect(record).toMatchObject({ status: 'completed', result: { output: 'Echo: later' } })
    },
  },
  {
    name: 'sends the dashboard to its prefixed login, whose links and assets stay under the prefix',
    async run({ host }) {
      const redirect = await fetch(`${host.baseUrl}/dashboard/`, { redirect: 'manual' })
      expect(redirect.status).toBe(302)
      expect(redirect.headers.get('location')).toBe(
        `${host.prefix}/dashboard/login?next=${encodeURIComponent(`${host.prefix}/dashboard/`)}`,
      )
      const page = await (await fetch(`${host.baseUrl}/dashboard/login`)).text()
      const urls = [...page.matchAll(/(?:src|href|action)="([^"]+)"/g)].map((match) => match[1] as string)
      expect(urls.length).toBeGreaterThanOrEqual(6)
      for (const url of urls) {
        expect(url.startsWith(`${host.prefix}/dashboard/`), url).toBe(true)
        if (url.includes('/static/')) expect((await fetch(`${host.hostUrl}${url}`)).status, url).toBe(200)
      }
    },
  },
  {
    name: 'signs in to the dashboard with a cookie scoped to the prefixed dashboard',
    async run({ host, subject }) {
      const login = await fetch(`${host.baseUrl}/dashboard/login`)
      const csrfCookie = (login.headers.getSetCookie()[0] ?? '').split(';')[0] as string
      const token = /name="_csrf" value="([^"]+)"/.exec(await login.text())?.[1] ?? ''
      const signIn = await fetch(`${host.baseUrl}/dashboard/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie },
        body: new URLSearchParams({
          _csrf: token,
          username: matrixDashboardAdmin.username,
          password: matrixDashboardAdmin.password,
        }).toString(),
      })
      expect(signIn.status).toBe(303)
      expect(signIn.headers.get('location')).toBe(`${host.prefix}/dashboard/`)
      const session = signIn.headers.getSetCookie().find((cookie) => cookie.startsWith('agw_session='))
      expect(session).toContain(`Path=${host.prefix}/dashboard;`)
      const agents = await fetch(`${host.baseUrl}/dashboard/agents`, {
        headers: { cookie: (session as string).split(';')[0] as string },
      })
      expect(agents.status).toBe(200)
      const page = await agents.text()
      for (const id of subject.agentIds) expect(page).toContain(`data-agent="${id}"`)
    },
  },
]
