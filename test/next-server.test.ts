import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  buildNextExample,
  type NextExample,
  nextCli,
  type RunningNext,
  startNext,
} from './support/next-app.ts'
import { readSse } from './support/read-sse.ts'
import { requireBinary } from './support/requirements.ts'
import { freePort } from './support/tls-nginx.ts'

// examples/mount-next under a real `next build` + `next start`: the gateway at /ai behind
// Next's own routing, which redirects `/ai/dashboard/` to `/ai/dashboard` (trailingSlash:
// false, Next's default) before the route handler runs. Regression test for the redirect loop
// this made with the gateway's own `/dashboard` → `/dashboard/` redirect (and the login's).

const cli = nextCli()
const next = requireBinary('Next.js (the next dev dependency)', process.execPath, [
  cli ?? 'next',
  '--version',
])
const admin = { username: 'admin', password: 'next-admin-password' }

let app: NextExample | undefined
let server: RunningNext | undefined

beforeAll(async () => {
  if (!next.available || !cli) return
  app = await buildNextExample(cli)
  process.stdout.write(`next build of examples/mount-next took ${app.buildMs} ms\n`)
  server = await startNext(cli, app.appDir, await freePort(), {
    AGW_DASHBOARD_AUTH: 'true',
    AGW_DASHBOARD__AUTH__ADMIN_USERNAME: admin.username,
    AGW_DASHBOARD__AUTH__ADMIN_PASSWORD: admin.password,
    AGW_PERSISTENCE__URL: `${app.appDir}/agentgw.db`,
    AGW_TELEMETRY__LOG_LEVEL: 'warn',
  })
}, 600_000)

afterAll(async () => {
  await server?.stop()
  await app?.remove()
})

/** Cookies of one browser, by name; paths are ignored (everything here is under /ai/dashboard). */
function createJar() {
  const cookies = new Map<string, string>()
  return {
    header: () => [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
    store(response: Response) {
      for (const line of response.headers.getSetCookie()) {
        const [pair = ''] = line.split(';')
        const at = pair.indexOf('=')
        const value = pair.slice(at + 1)
        if (value === '' || /max-age=0/i.test(line)) cookies.delete(pair.slice(0, at))
        else cookies.set(pair.slice(0, at), value)
      }
    },
  }
}

type Jar = ReturnType<typeof createJar>

/**
 * Follows redirects like a browser, by hand, recording every hop; fails on a loop (a URL seen
 * twice) or more than five hops.
 */
async function follow(
  path: string,
  jar: Jar,
  init: RequestInit = {},
): Promise<{ response: Response; hops: string[] }> {
  const base = server?.url as string
  const hops = [path]
  let response = await fetch(`${base}${path}`, {
    ...init,
    redirect: 'manual',
    headers: { ...(init.headers as Record<string, string>), cookie: jar.header() },
  })
  jar.store(response)
  while (response.status >= 300 && response.status < 400) {
    const location = new URL(response.headers.get('location') ?? '', `${base}${hops.at(-1)}`)
    const next = `${location.pathname}${location.search}`
    expect(hops, `redirect loop: ${[...hops, next].join(' → ')}`).not.toContain(next)
    hops.push(next)
    expect(hops.length, hops.join(' → ')).toBeLessThanOrEqual(5)
    response = await fetch(`${base}${next}`, { redirect: 'manual', headers: { cookie: jar.header() } })
    jar.store(response)
  }
  return { response, hops }
}

async function signIn(jar: Jar): Promise<string[]> {
  const { response, hops } = await follow('/ai/dashboard/', jar)
  expect(response.status).toBe(200)
  const page = await response.text()
  const token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? ''
  const nextField = (/name="next" value="([^"]*)"/.exec(page)?.[1] ?? '').replaceAll('&amp;', '&')
  const signedIn = await follow('/ai/dashboard/login', jar, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, next: nextField, ...admin }).toString(),
  })
  expect(signedIn.response.status, signedIn.hops.join(' → ')).toBe(200)
  return [...hops, ...signedIn.hops]
}

describe.skipIf(!next.available)('examples/mount-next under next start', () => {
  it('serves the API at /ai with relative OpenAPI servers', async () => {
    const health = await fetch(`${server?.url}/ai/v1/health`)
    expect(await health.json()).toMatchObject({ status: 'ok', agent_count: 4 })
    expect(health.headers.get('x-request-id')).toBeTruthy()
    const document = (await (await fetch(`${server?.url}/ai/openapi.json`)).json()) as { servers: unknown }
    expect(document.servers).toEqual([{ url: '/ai' }])
    expect(await (await fetch(`${server?.url}/`)).json()).toEqual({ message: 'Main application' })
  })

  it('queues a run with 202 whose prefixed poll_url leads to the result', async () => {
    const accepted = await fetch(`${server?.url}/ai/v1/agents/weather/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        message: 'Outlook please',
        input: { city: 'Lisbon' },
        options: { async: true },
      }),
    })
    expect(accepted.status).toBe(202)
    const body = (await accepted.json()) as { execution_id: string; poll_url: string }
    expect(body.poll_url).toBe(`/ai/v1/executions/${body.execution_id}`)
    expect(accepted.headers.get('location')).toBe(body.poll_url)
    let record: { status: string } = { status: 'queued' }
    const deadline = Date.now() + 30_000
    while (!['completed', 'failed'].includes(record.status) && Date.now() < deadline) {
      // Polling is what poll_url is for; the run is on the mock model and takes milliseconds.
      await new Promise((resolve) => setTimeout(resolve, 100))
      record = (await (await fetch(`${server?.url}${body.poll_url}`)).json()) as typeof record
    }
    expect(record.status).toBe('completed')
  })

  it('streams a chat turn as SSE through Next, ending with done', async () => {
    const response = await fetch(`${server?.url}/ai/v1/agents/assistant/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ message: 'How do I cancel my booking?', options: { stream: true } }),
    })
    expect(response.headers.get('content-type')).toContain('text/event-stream')
    expect(response.headers.get('x-request-id')).toBeTruthy()
    const { events } = await readSse(response)
    expect(events[0]?.event).toBe('session')
    expect(events.filter((event) => event.event === 'token').length).toBeGreaterThan(1)
    expect(events.at(-1)?.event).toBe('done')
  })

  it('follows every dashboard redirect to a page: no loop with Next’s trailing-slash redirect', async () => {
    const jar = createJar()
    // Signed out: /ai/dashboard/ → (Next) /ai/dashboard → the login page, which signs in and
    // goes back to the dashboard.
    const hops = await signIn(jar)
    expect(hops[0]).toBe('/ai/dashboard/')
    expect(hops).toContain('/ai/dashboard/login?next=%2Fai%2Fdashboard')

    const home = await (await follow('/ai/dashboard', jar)).response.text()
    const links = [
      ...new Set([...home.matchAll(/href="(\/ai\/dashboard[^"#]*)"/g)].map((match) => match[1] as string)),
    ]
    expect(links.length).toBeGreaterThanOrEqual(5)
    for (const link of links) {
      // The gateway builds links in Next's form: none of them is redirected.
      const direct = await fetch(`${server?.url}${link.replaceAll('&amp;', '&')}`, {
        redirect: 'manual',
        headers: { cookie: jar.header() },
      })
      expect(direct.status, link).toBe(200)
      await direct.arrayBuffer()
      // And the other form reaches the same page through Next's redirect, without a loop.
      if (!/\.\w+$/.test(link.split('?')[0] as string)) {
        const [pathname, query] = link.replaceAll('&amp;', '&').split('?')
        const { response } = await follow(`${pathname}/${query ? `?${query}` : ''}`, jar)
        expect(response.status, `${link} with a trailing slash`).toBe(200)
        await response.arrayBuffer()
      }
    }
  })
})
