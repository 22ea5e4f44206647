import { randomBytes } from 'node:crypto'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import type { EngineEvent } from '../src/core/execution-types.ts'
import { Gateway } from '../src/index.ts'
import { everythingEntry } from './support/mcp-everything.ts'
import { createRecordingLogger } from './support/recording-logger.ts'
import { createTempWorkspace, type TempWorkspace } from './support/temp-workspace.ts'
import { readJson, simpleAgent } from './support/test-gateway.ts'

const secretValue = 'sk-mcp-plaintext-4f9a'
const headerValue = 'tenant-secret-77c1'
const adminKey = 'admin-key-0123456789abcdef'
const mcpKey = 'mcp-key-0123456789abcdef'
const readerKey = 'reader-key-0123456789abcdef'

const files = {
  'agents/helper/AGENT.md': simpleAgent('You use tools.', 'description: Uses MCP\nmcp_servers: [everything]'),
  'gateway.yaml': `mcp:\n  servers:\n    - name: from-yaml\n      transport: stdio\n      command: ${JSON.stringify(process.execPath)}\n      args: [${JSON.stringify(everythingEntry)}, stdio]\n      enabled: false\n`,
}

let workspace: TempWorkspace | undefined
const gateways: Gateway[] = []
afterEach(async () => {
  for (const gateway of gateways.splice(0)) await gateway.stop()
  await workspace?.remove()
  workspace = undefined
})

function start(secretKey: string | undefined) {
  const { logger, entries } = createRecordingLogger()
  const gateway = new Gateway({
    workspace: (workspace as TempWorkspace).root,
    logger,
    auth: {
      mode: 'api_key',
      apiKeys: [
        { name: 'admin', key: adminKey, scopes: ['admin'] },
        { name: 'mcp', key: mcpKey, scopes: ['admin:mcp'] },
        { name: 'reader', key: readerKey, scopes: ['agents:read', 'agents:invoke'] },
      ],
    },
    ...(secretKey ? { secrets: { key: secretKey } } : {}),
  })
  gateways.push(gateway)
  const request = (route: string, init: RequestInit & { json?: unknown } = {}, key = mcpKey) => {
    const { json, ...rest } = init
    return gateway.fetch(
      new Request(new URL(route, 'http://gateway.test'), {
        ...rest,
        headers: { authorization: `Bearer ${key}`, ...(json ? { 'content-type': 'application/json' } : {}) },
        ...(json ? { body: JSON.stringify(json) } : {}),
      }),
    )
  }
  return { gateway, request, entries }
}

const everythingServer = {
  name: 'everything',
  transport: 'stdio',
  command: process.execPath,
  args: [everythingEntry, 'stdio'],
  env: { EVERYTHING_TOKEN: secretValue },
  headers: { 'X-Tenant': headerValue },
}

async function waitForStatus(request: ReturnType<typeof start>['request'], name: string, status: string) {
  const deadline = Date.now() + 60_000
  for (;;) {
    const body = await readJson(request(`/v1/admin/mcp-servers/${name}`))
    if (body.status === status || Date.now() > deadline) return body
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

describe('MCP servers in the database, through the admin API', () => {
  it('creates a server whose credentials are sealed at rest and never returned or logged, and agents use it', async () => {
    workspace = await createTempWorkspace(files)
    const { gateway, request, entries } = start(randomBytes(32).toString('base64'))

    const created = await request('/v1/admin/mcp-servers', { method: 'POST', json: everythingServer })
    expect(created.status).toBe(201)
    const body = await readJson(created)
    expect(body).toMatchObject({
      name: 'everything',
      origin: 'database',
      transport: 'stdio',
      env_keys: ['EVERYTHING_TOKEN'],
      header_names: ['X-Tenant'],
      auth_type: 'none',
    })

    const connected = await waitForStatus(request, 'everything', 'connected')
    expect(connected.status).toBe('connected')
    expect(connected.tools.map((tool: { name: string }) => tool.name)).toContain('everything__echo')

    // The raw row holds no plaintext credential.
    const db = new Database(path.join((workspace as TempWorkspace).root, '.agentgw', 'agentgw.db'), {
      readonly: true,
    })
    const row = db.prepare('select * from mcp_servers where name = ?').get('everything') as Record<
      string,
      unknown
    >
    db.close()
    const raw = JSON.stringify(row)
    expect(row.sealed_secrets).toMatch(/^agw1\./)
    expect(raw).not.toContain(secretValue)
    expect(raw).not.toContain(headerValue)

    // The stdio server got the sealed env: the tool sees it, the API never shows it.
    const events: EngineEvent[] = []
    await gateway.invoke('helper', 'Echoes back the input string please', {
      input: { message: 'from a stored server' },
      onEvent: (event) => events.push(event),
    })
    const echo = events.find((event) => event.type === 'tool_result' && event.name === 'everything__echo')
    expect(echo).toMatchObject({ isError: false })
    expect(JSON.stringify(echo)).toContain('from a stored server')

    const tools = await readJson(request('/v1/admin/mcp-servers/everything/tools'))
    expect(tools.items.find((tool: { name: string }) => tool.name === 'everything__echo')).toMatchObject({
      original_name: 'echo',
      server_name: 'everything',
    })
    const tested = await readJson(request('/v1/admin/mcp-servers/everything/test', { method: 'POST' }))
    expect(tested).toMatchObject({ success: true, error: null })
    expect(tested.tool_count).toBeGreaterThan(5)
    const refreshed = await readJson(request('/v1/admin/mcp-servers/everything/refresh', { method: 'POST' }))
    expect(refreshed.status).toBe('connected')

    // A partial update keeps the sealed credentials; disabling disconnects.
    const updated = await readJson(
      request('/v1/admin/mcp-servers/everything', { method: 'PUT', json: { enabled: false } }),
    )
    expect(updated).toMatchObject({ enabled: false, status: 'disabled', env_keys: ['EVERYTHING_TOKEN'] })

    const list = await readJson(request('/v1/admin/mcp-servers'))
    expect(list.items.map((item: { name: string; origin: string }) => [item.name, item.origin])).toEqual([
      ['everything', 'database'],
      ['from-yaml', 'config'],
    ])
    for (const text of [
      JSON.stringify(list),
      JSON.stringify(body),
      JSON.stringify(updated),
      JSON.stringify(entries),
    ]) {
      expect(text).not.toContain(secretValue)
      expect(text).not.toContain(headerValue)
    }

    expect((await request('/v1/admin/mcp-servers/everything', { method: 'DELETE' })).status).toBe(200)
    const gone = await request('/v1/admin/mcp-servers/everything')
    expect(gone.status).toBe(404)
    expect((await readJson(gone)).error.code).toBe('mcp_server_not_found')
  })

  it('refuses credentials without a key, and says so when the stored ones cannot be opened', async () => {
    workspace = await createTempWorkspace(files)
    const withoutKey = start(undefined)
    const refused = await withoutKey.request('/v1/admin/mcp-servers', {
      method: 'POST',
      json: everythingServer,
    })
    expect(refused.status).toBe(503)
    const refusal = await readJson(refused)
    expect(refusal.error.code).toBe('secret_key_missing')
    expect(refusal.error.message).toMatch(/AGW_SECRET_KEY/)
    expect(JSON.stringify(refusal)).not.toContain(secretValue)
    // A server without credentials needs no key.
    const plain = { ...everythingServer, name: 'plain', env: {}, headers: {}, enabled: false }
    expect((await withoutKey.request('/v1/admin/mcp-servers', { method: 'POST', json: plain })).status).toBe(
      201,
    )
    await withoutKey.gateway.stop()

    const first = start(randomBytes(32).toString('base64'))
    expect(
      (
        await first.request('/v1/admin/mcp-servers', {
          method: 'POST',
          json: { ...everythingServer, enabled: false },
        })
      ).status,
    ).toBe(201)
    await first.gateway.stop()

    // Another key: start-up goes on, the server shows a clear error and nothing else breaks.
    const wrong = start(randomBytes(32).toString('base64'))
    const shown = await readJson(wrong.request('/v1/admin/mcp-servers/everything'))
    expect(shown.status).toBe('error')
    expect(shown.error).toMatch(/cannot be decrypted with the configured secret key/)
    expect(JSON.stringify(shown)).not.toContain(secretValue)
    expect((await wrong.request('/v1/admin/mcp-servers/plain')).status).toBe(200)
    const update = await wrong.request('/v1/admin/mcp-servers/everything', {
      method: 'PUT',
      json: { enabled: true },
    })
    expect(update.status).toBe(503)
    expect((await readJson(update)).error.message).toMatch(/cannot be decrypted/)
  })

  it('validates input, keeps gateway.yaml servers read-only and requires admin:mcp or admin', async () => {
    workspace = await createTempWorkspace(files)
    const { request } = start(randomBytes(32).toString('base64'))
    const badName = await request('/v1/admin/mcp-servers', {
      method: 'POST',
      json: { name: 'Bad Name', transport: 'stdio', command: 'x' },
    })
    expect(badName.status).toBe(422)
    const noCommand = await readJson(
      request('/v1/admin/mcp-servers', { method: 'POST', json: { name: 'nocmd', transport: 'stdio' } }),
    )
    expect(noCommand.error.code).toBe('validation_failed')
    expect(noCommand.error.details).toEqual([expect.objectContaining({ path: '/body/command' })])
    const badAuth = await readJson(
      request('/v1/admin/mcp-servers', {
        method: 'POST',
        json: {
          name: 'web',
          transport: 'streamable_http',
          url: 'http://127.0.0.1:9/mcp',
          auth: { type: 'bearer' },
        },
      }),
    )
    expect(badAuth.error.details).toEqual([expect.objectContaining({ path: '/body/auth/token' })])

    const clash = await request('/v1/admin/mcp-servers', {
      method: 'POST',
      json: { name: 'from-yaml', transport: 'stdio', command: 'x' },
    })
    expect(clash.status).toBe(409)
    const readOnly = await request('/v1/admin/mcp-servers/from-yaml', {
      method: 'PUT',
      json: { enabled: true },
    })
    expect(readOnly.status).toBe(409)
    expect((await readJson(readOnly)).error.code).toBe('mcp_server_read_only')
    expect((await request('/v1/admin/mcp-servers/from-yaml')).status).toBe(200)

    expect((await request('/v1/admin/mcp-servers', {}, readerKey)).status).toBe(403)
    expect((await request('/v1/admin/mcp-servers', {}, adminKey)).status).toBe(200)
    expect((await request('/v1/admin/mcp-servers', {}, 'wrong-key')).status).toBe(401)
  })
})
