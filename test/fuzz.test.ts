import { request as httpRequest, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { toExpressHandler } from '../src/adapters/hosts/express.ts'
import { createSilentLogger } from '../src/core/logger.ts'
import { Gateway, type GatewayOptions } from '../src/index.ts'
import { createRandom, type FuzzRequest, fuzzRequest } from './support/fuzz-requests.ts'
import { closeServer } from './support/http-server.ts'
import { requireService } from './support/requirements.ts'
import { postgresUrl } from './support/services.ts'
import { createTempWorkspace, type TempWorkspace } from './support/temp-workspace.ts'
import { simpleAgent } from './support/test-gateway.ts'

// A seeded, bounded fuzz run over the API and the dashboard, as a careless or hostile client:
// hostile path parameters, queries, bodies (malformed, deep, NUL, surrogates, wrong types),
// methods and headers, on SQLite and Postgres, standalone and mounted in Express. No request
// may get a 5xx, and every API error must be the error envelope. Set AGW_FUZZ_SEED to replay.

const seed = Number(process.env.AGW_FUZZ_SEED ?? 20261130)
const requestsPerTarget = Number(process.env.AGW_FUZZ_REQUESTS ?? 600)
const concurrency = 6
const postgres = await requireService('PostgreSQL', 5432)
const apiKey = 'fuzz-api-key-0123456789'
const admin = { username: 'admin', password: 'fuzz-admin-password' }
const schemas: string[] = []

afterAll(async () => {
  if (!postgres.available || schemas.length === 0) return
  const client = new pg.Client({ connectionString: postgresUrl })
  await client.connect()
  for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await client.end()
})

interface Target {
  name: string
  available: boolean
  persistence: () => GatewayOptions['persistence']
  host: 'standalone' | 'express' | 'express-parsers-first'
}

const targets: Target[] = [
  { name: 'SQLite, standalone', available: true, persistence: () => ({}), host: 'standalone' },
  { name: 'SQLite, Express', available: true, persistence: () => ({}), host: 'express' },
  {
    name: 'SQLite, Express with body parsers before the gateway',
    available: true,
    persistence: () => ({}),
    host: 'express-parsers-first',
  },
  {
    name: 'Postgres, standalone',
    available: postgres.available,
    persistence: postgresSchema,
    host: 'standalone',
  },
  { name: 'Postgres, Express', available: postgres.available, persistence: postgresSchema, host: 'express' },
]

function postgresSchema(): GatewayOptions['persistence'] {
  // Short: the Postgres event bus derives channel names from the schema (at most 22 characters).
  const schema = `agwfz_${Math.random().toString(36).slice(2, 10)}`
  schemas.push(schema)
  return { backend: 'postgres', url: postgresUrl, schema }
}

const files = {
  'agents/helper/AGENT.md': simpleAgent('Help.', 'model: mock:echo\nskills: [kit]'),
  'agents/later/AGENT.md': simpleAgent('Later.', 'execution_mode: async\nmodel: mock:echo'),
  'agents/typed/AGENT.md': simpleAgent(
    'Typed.',
    'model: mock:echo\ninput_schema:\n  type: object\n  properties:\n    city: {type: string, maxLength: 40}\n  required: [city]',
  ),
  'skills/kit/SKILL.md': '---\ndescription: kit\ntools: [lookup]\n---\n',
  'tools/lookup/TOOL.md':
    '---\ndescription: Look up\nparameters:\n  city: {type: string, required: true}\n---\n',
  'tools/lookup/handler.mjs': 'export const handle = ({ city }) => ({ city, found: true })',
}

interface Outcome {
  status: number
  contentType: string
  body: string
  /** `name=value` of each Set-Cookie. */
  cookies: string[]
  /** The gateway's X-Request-Id; responses without one came from the host (or Node). */
  requestId: string | undefined
  timedOut: boolean
}

/** Sends one request and reads its answer (event streams up to `done` or 64 KB). */
function send(origin: string, item: FuzzRequest): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    // Bodies always framed by Content-Length: a body Node would send unframed (DELETE) reaches
    // the server as a second, garbage request, which Node itself answers 400.
    const headers =
      item.body === undefined
        ? item.headers
        : { ...item.headers, 'content-length': String(Buffer.byteLength(item.body)) }
    const request = httpRequest(`${origin}${item.path}`, { method: item.method, headers }, (response) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => {
        body += chunk
        if (body.length > 65_536 || body.includes('event: done')) response.destroy()
      })
      const finish = () =>
        resolve({
          status: response.statusCode ?? 0,
          contentType: String(response.headers['content-type'] ?? ''),
          body,
          cookies: (response.headers['set-cookie'] ?? []).map((line) => line.split(';')[0] as string),
          requestId: response.headers['x-request-id'] as string | undefined,
          timedOut: false,
        })
      response.on('end', finish)
      response.on('close', finish)
    })
    request.setTimeout(15_000, () => {
      request.destroy()
      resolve({ status: 0, contentType: '', body: '', cookies: [], requestId: undefined, timedOut: true })
    })
    request.on('error', (error) => (error.message === 'socket hang up' ? undefined : reject(error)))
    request.end(item.body)
  })
}

/** A JSON-RPC error response, which the MCP route's transport answers for protocol faults. */
function isJsonRpcError(outcome: Outcome): boolean {
  try {
    const body = JSON.parse(outcome.body) as {
      jsonrpc?: unknown
      error?: { code?: unknown; message?: unknown }
    }
    return (
      body.jsonrpc === '2.0' && typeof body.error?.code === 'number' && typeof body.error.message === 'string'
    )
  } catch {
    return false
  }
}

/** What a gateway answers when a request failed: the envelope, or an event stream for SSE callers. */
function isEnvelope(outcome: Outcome): boolean {
  if (outcome.contentType.includes('text/event-stream')) return outcome.body.includes('event: error')
  try {
    const body = JSON.parse(outcome.body) as { error?: { code?: unknown; message?: unknown } }
    return typeof body.error?.code === 'string' && typeof body.error.message === 'string'
  } catch {
    return false
  }
}

async function startTarget(target: Target, workspace: TempWorkspace) {
  const gateway = new Gateway({
    workspace: workspace.root,
    logger: createSilentLogger(),
    auth: { mode: 'api_key', apiKeys: [{ name: 'fuzz', key: apiKey }] },
    persistence: target.persistence(),
    dashboard: { enabled: true, auth: { adminUsername: admin.username, adminPassword: admin.password } },
    queue: { retryBackoffMs: 10 },
  })
  if (target.host === 'standalone') {
    const running = await gateway.listen({ port: 0, host: '127.0.0.1' })
    return { gateway, origin: running.url, prefix: '', close: running.close }
  }
  const app = express()
  if (target.host === 'express-parsers-first')
    app.use(express.json({ limit: '2mb' }), express.urlencoded(), express.text())
  app.use('/ai', toExpressHandler(gateway))
  const server: Server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  return {
    gateway,
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    prefix: '/ai',
    close: async () => {
      await closeServer(server)
      await gateway.stop()
    },
  }
}

for (const target of targets) {
  describe.skipIf(!target.available)(`fuzz: ${target.name}`, () => {
    it(`answers ${requestsPerTarget} hostile requests without a 5xx, API errors in the envelope (seed ${seed})`, async () => {
      const workspace = await createTempWorkspace(files)
      const { gateway, origin, prefix, close } = await startTarget(target, workspace)
      const started = performance.now()
      try {
        const authorization = { authorization: `Bearer ${apiKey}` }
        // Real ids, so some requests reach records: an execution, a session, a queued run.
        const json = { ...authorization, 'content-type': 'application/json' }
        const seeded = await Promise.all([
          send(origin, {
            method: 'POST',
            path: `${prefix}/v1/agents/helper/invoke`,
            headers: json,
            body: '{"message":"hi"}',
          }),
          send(origin, {
            method: 'POST',
            path: `${prefix}/v1/agents/helper/chat`,
            headers: json,
            body: '{"message":"hi"}',
          }),
          send(origin, {
            method: 'POST',
            path: `${prefix}/v1/agents/later/invoke`,
            headers: json,
            body: '{"message":"x"}',
          }),
        ])
        const known = ['helper', 'later', 'typed', 'lookup', 'kit']
        for (const outcome of seeded) {
          const body = JSON.parse(outcome.body) as { execution_id?: string; session_id?: string }
          if (body.execution_id) known.push(body.execution_id)
          if (body.session_id) known.push(body.session_id)
        }
        // A dashboard session for some of the requests, signed in through the real form.
        const loginPage = await send(origin, {
          method: 'GET',
          path: `${prefix}/dashboard/login`,
          headers: {},
        })
        const csrfCookie = loginPage.cookies.join('; ')
        const signedIn = await send(origin, {
          method: 'POST',
          path: `${prefix}/dashboard/login`,
          headers: { cookie: csrfCookie, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            _csrf: /name="_csrf" value="([^"]+)"/.exec(loginPage.body)?.[1] ?? '',
            ...admin,
          }).toString(),
        })
        expect(signedIn.status).toBe(303)
        const cookie = [csrfCookie, ...signedIn.cookies].join('; ')

        const random = createRandom(seed + targets.indexOf(target))
        const routes = gateway.routes.entries()
        const failures: string[] = []
        const statuses = new Map<number, number>()
        let timeouts = 0
        let next = 0
        const worker = async () => {
          while (next < requestsPerTarget) {
            next++
            const item = fuzzRequest(random, routes, prefix, known, authorization)
            if (item.route?.surface === 'dashboard' && random.chance(0.6)) item.headers.cookie = cookie
            const mutatesAgents = [
              'dashboard.agent_toggle',
              'dashboard.agent_edit',
              'dashboard.logout',
            ].includes(item.route?.id ?? '')
            if (item.method === 'POST' && !mutatesAgents && random.chance(0.3))
              item.headers['sec-fetch-site'] = 'same-origin'
            const outcome = await send(origin, item)
            if (outcome.timedOut) {
              timeouts++
              failures.push(`timeout: ${item.method} ${item.path}`)
              continue
            }
            statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1)
            const described = `${outcome.status} ${item.method} ${item.path} ${JSON.stringify(item.headers)} ${String(item.body ?? '').slice(0, 200)} → ${outcome.body.slice(0, 300)}`
            if (outcome.status >= 500) failures.push(described)
            // Every gateway response carries X-Request-Id. Without it, the answer is the host's: a
            // path that left the prefix (`/ai/../x`), a host parser's refusal.
            const fromGateway = outcome.requestId !== undefined
            if (target.host === 'standalone' && !fromGateway) failures.push(`no X-Request-Id: ${described}`)
            const api = item.route === undefined || item.route.surface === 'api'
            const answered =
              isEnvelope(outcome) || (item.route?.errorFormat === 'jsonrpc' && isJsonRpcError(outcome))
            if (api && fromGateway && outcome.status >= 400 && item.method !== 'HEAD' && !answered)
              failures.push(`not an envelope: ${described}`)
          }
        }
        await Promise.all(Array.from({ length: concurrency }, worker))
        const ms = Math.round(performance.now() - started)
        const histogram = [...statuses]
          .sort(([a], [b]) => a - b)
          .map(([status, count]) => `${status}×${count}`)
        process.stdout.write(
          `fuzz ${target.name}: ${requestsPerTarget} requests, ${failures.filter((line) => /^5\d\d /.test(line)).length} 5xx, ${timeouts} timeouts, ${ms} ms, seed ${seed} [${histogram.join(' ')}]\n`,
        )
        expect(failures).toEqual([])
      } finally {
        await close()
        await workspace.remove()
      }
    }, 240_000)
  })
}
