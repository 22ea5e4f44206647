import { afterEach, describe, expect, it } from 'vitest'
import type { EngineEvent } from '../src/core/execution-types.ts'
import { closeServer } from './support/http-server.ts'
import {
  freePort,
  type RunningEverything,
  startEverythingHttp,
  startGuardProxy,
} from './support/mcp-everything.ts'
import { createTestGateway, simpleAgent, type TestGateway } from './support/test-gateway.ts'

let t: TestGateway | undefined
const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  await t?.close()
  t = undefined
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const files = {
  'agents/helper/AGENT.md': simpleAgent('You use tools.', 'description: Uses MCP\nmcp_servers: [web]'),
}

async function everything(port?: number): Promise<RunningEverything> {
  const running = await startEverythingHttp(port ?? (await freePort()))
  cleanups.push(() => running.stop())
  return running
}

/** Runs the helper agent asking for the echo tool; the echo tool event, if the model could call it. */
async function echo(gateway: TestGateway['gateway'], message = 'hello over http') {
  const events: EngineEvent[] = []
  const outcome = await gateway.invoke('helper', 'Echoes back the input string please', {
    input: { message },
    onEvent: (event) => events.push(event),
  })
  expect(outcome.status).toBe('completed')
  const result = events.find((event) => event.type === 'tool_result' && event.name === 'web__echo')
  return result?.type === 'tool_result' ? result : undefined
}

describe('MCP tool servers over streamable HTTP', () => {
  it('calls server-everything with static headers and an API key', async () => {
    const server = await everything()
    const proxy = await startGuardProxy(
      server.url,
      (headers) => headers['x-api-key'] === 'k-123' && headers['x-tenant'] === 'acme',
    )
    cleanups.push(() => closeServer(proxy.server))
    t = await createTestGateway(files, {
      mcp: {
        servers: [
          {
            name: 'web',
            transport: 'streamable_http',
            url: proxy.url,
            headers: { 'X-Tenant': 'acme' },
            auth: { type: 'api_key', key: 'k-123' },
          },
        ],
      },
    })
    const result = await echo(t.gateway)
    expect(result).toMatchObject({ isError: false })
    expect(JSON.stringify(result?.output)).toContain('hello over http')
    expect(proxy.seen.length).toBeGreaterThan(0)
  })

  it('gets an OAuth2 client-credentials token, caches it, and fetches a new one after a 401', async () => {
    const server = await everything()
    let issued = 0
    let valid = ''
    const tokenRequests: string[] = []
    const proxy = await startGuardProxy(
      server.url,
      (headers) => headers.authorization === `Bearer ${valid}`,
      (path, body) => {
        if (path !== '/token') return undefined
        tokenRequests.push(body)
        const form = new URLSearchParams(body)
        if (form.get('client_secret') !== 's3cret') return { status: 401, json: { error: 'invalid_client' } }
        valid = `token-${++issued}`
        return { status: 200, json: { access_token: valid, token_type: 'Bearer', expires_in: 3600 } }
      },
    )
    cleanups.push(() => closeServer(proxy.server))
    t = await createTestGateway(files, {
      mcp: {
        servers: [
          {
            name: 'web',
            transport: 'streamable_http',
            url: proxy.url,
            auth: {
              type: 'oauth2_client_credentials',
              tokenUrl: proxy.url.replace('/mcp', '/token'),
              clientId: 'agentgw',
              clientSecret: 's3cret',
              scopes: ['tools.read', 'tools.call'],
            },
          },
        ],
      },
    })
    expect(await echo(t.gateway, 'first')).toMatchObject({ isError: false })
    expect(await echo(t.gateway, 'second')).toMatchObject({ isError: false })
    // Many MCP requests (initialize, tools/list, two calls), one token.
    expect(tokenRequests).toHaveLength(1)
    const form = new URLSearchParams(tokenRequests[0])
    expect(form.get('grant_type')).toBe('client_credentials')
    expect(form.get('client_id')).toBe('agentgw')
    expect(form.get('scope')).toBe('tools.read tools.call')

    // The server stops accepting the token: the next request is refused, a new token is fetched.
    valid = 'revoked'
    const third = await echo(t.gateway, 'third')
    expect(third).toMatchObject({ isError: false })
    expect(JSON.stringify(third?.output)).toContain('third')
    expect(tokenRequests).toHaveLength(2)
  })

  it('starts while the server is down, fails its tools with a clear error, and reconnects when it is back', async () => {
    const port = await freePort()
    t = await createTestGateway(files, {
      mcp: {
        connectionTimeoutMs: 3000,
        servers: [{ name: 'web', transport: 'streamable_http', url: `http://127.0.0.1:${port}/mcp` }],
      },
    })
    // Start-up does not wait for the server, and a run without it still completes (no tools).
    await t.gateway.start()
    expect(await echo(t.gateway)).toBeUndefined()

    // The server comes up: the background retry connects and the tool appears.
    let server = await everything(port)
    let result: Awaited<ReturnType<typeof echo>>
    const deadline = Date.now() + 60_000
    do {
      result = await echo(t.gateway, 'after start')
      if (!result) await new Promise((resolve) => setTimeout(resolve, 500))
    } while (!result && Date.now() < deadline)
    expect(result).toMatchObject({ isError: false })

    // The server dies: its tool fails with an error naming the server.
    await server.stop()
    const down = await echo(t.gateway, 'while down')
    expect(down).toMatchObject({ isError: true })
    expect(JSON.stringify(down?.output)).toMatch(/MCP server \\"web\\" is not (reachable|connected)/)

    // It comes back on the same port: the next call reconnects and works.
    server = await everything(port)
    const back = await echo(t.gateway, 'back again')
    expect(back).toMatchObject({ isError: false })
    expect(JSON.stringify(back?.output)).toContain('back again')
  })
})
