import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSilentLogger } from '../src/core/logger.ts'
import type { Principal } from '../src/core/principal.ts'
import { Gateway, type ListeningGateway } from '../src/index.ts'
import { createScriptedModel } from '../src/testing/scripted-model.ts'
import { createDashboardClient, type DashboardClient } from './support/dashboard-client.ts'
import { type ParsedEvent, readSse } from './support/read-sse.ts'
import { createTempWorkspace, type TempWorkspace } from './support/temp-workspace.ts'
import { type JsonBody, simpleAgent } from './support/test-gateway.ts'

/*
 * The authorization table: every kind of viewer × every kind of owner × every action on the
 * owned resources (executions and sessions, through the API and the dashboard), over real HTTP
 * against a gateway with persistence.
 *
 * Expectations come from the documented rule (docs/security.md, "Ownership and visibility"),
 * written out here on its own, not from the code under test:
 * - owners see and change their own resources;
 * - `executions:read_all` reads everyone's, but changes only its own;
 * - `admin`, `*` (and the dashboard admin, whose scope is `*`) read and change everyone's;
 * - unowned resources (made by the host's own code) count as nobody's: only those who read or
 *   change everyone's reach them;
 * - a request without credentials owns nothing and reaches nothing;
 * - what a viewer may not read is "not found" (404); what it may read but not change is 403.
 */

type Owner = 'none' | 'same' | 'other'
type Action = 'read' | 'list' | 'continue' | 'cancel' | 'delete'
type Outcome = 'allowed' | 'hidden' | 'forbidden'
type Reach = 'nothing' | 'own' | 'everyone'

interface ViewerCase {
  name: string
  reads: Reach
  changes: Reach
  /** The API with these headers (read once the credentials exist), or the dashboard as this user. */
  via: { api: () => Record<string, string> } | { dashboard: 'user' | 'admin' }
}

function expected(viewer: ViewerCase, owner: Owner, action: Action): Outcome {
  const reaches = (reach: Reach) => reach === 'everyone' || (reach === 'own' && owner === 'same')
  if (!reaches(viewer.reads)) return 'hidden'
  if (action === 'read' || action === 'list') return 'allowed'
  return reaches(viewer.changes) ? 'allowed' : 'forbidden'
}

const routeScopes = [
  'agents:invoke',
  'agents:configure',
  'executions:read',
  'executions:cancel',
  'sessions:read',
  'sessions:manage',
]
const keys = {
  plain: { key: 'plain-key-0123456789', scopes: routeScopes },
  reader: { key: 'reader-key-0123456789', scopes: [...routeScopes, 'executions:read_all'] },
  admin: { key: 'admin-key-0123456789', scopes: [...routeScopes, 'admin'] },
  star: { key: 'star-key-0123456789', scopes: ['*'] },
  other: { key: 'other-key-0123456789', scopes: routeScopes },
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

let jwksServer: Server
let jwtToken: string
let workspace: TempWorkspace
let gateway: Gateway
let listening: ListeningGateway
let dashboards: Record<'user' | 'admin', DashboardClient>
/** The principal each run of the `whoami` tool saw. */
const toolSaw: (Principal | undefined)[] = []
/** The personal setup each run of the `whoami` tool got. */
const setupSaw: unknown[] = []
/** Host-code runs that hang until cancelled; awaited at the end. */
const hostRuns: Promise<unknown>[] = []
const pending: string[] = []
/** The system prompt and tools of each first model call of the `memo` agent. */
const memoSaw: { system: string; tools: string[] }[] = []

const viewers: ViewerCase[] = [
  { name: 'no credentials', reads: 'nothing', changes: 'nothing', via: { api: () => ({}) } },
  { name: 'API key', reads: 'own', changes: 'own', via: { api: () => bearer(keys.plain.key) } },
  {
    name: 'API key with executions:read_all',
    reads: 'everyone',
    changes: 'own',
    via: { api: () => bearer(keys.reader.key) },
  },
  {
    name: 'API key with admin',
    reads: 'everyone',
    changes: 'everyone',
    via: { api: () => bearer(keys.admin.key) },
  },
  {
    name: 'API key with *',
    reads: 'everyone',
    changes: 'everyone',
    via: { api: () => bearer(keys.star.key) },
  },
  { name: 'JWT user', reads: 'own', changes: 'own', via: { api: () => bearer(jwtToken) } },
  { name: 'dashboard user', reads: 'own', changes: 'own', via: { dashboard: 'user' } },
  { name: 'dashboard admin', reads: 'everyone', changes: 'everyone', via: { dashboard: 'admin' } },
]

const api = (path: string, headers: Record<string, string>, init: RequestInit = {}) =>
  fetch(`${listening.url}${path}`, {
    ...init,
    headers: { ...headers, ...(init.body ? { 'content-type': 'application/json' } : {}) },
  })

const apiJson = async (path: string, headers: Record<string, string>, body?: unknown) => {
  const response = await api(
    path,
    headers,
    body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) },
  )
  return { status: response.status, body: (await response.json()) as JsonBody }
}

/** What the API answered, as an outcome of the table. */
function outcomeOf(response: { status: number; body: JsonBody }, allowedStatuses: number[]): Outcome {
  if (allowedStatuses.includes(response.status)) return 'allowed'
  if (response.status === 404 && /_not_found$/.test(response.body.error?.code)) return 'hidden'
  if (response.status === 403 && response.body.error?.code === 'forbidden') return 'forbidden'
  throw new Error(`unexpected answer ${response.status}: ${JSON.stringify(response.body)}`)
}

async function dashboardChat(client: DashboardClient, body: Record<string, unknown>): Promise<ParsedEvent[]> {
  const response = await client.request('/dashboard/chat/stream', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
    body: JSON.stringify(body),
  })
  return (await readSse(response)).events
}

function streamOutcome(events: ParsedEvent[]): Outcome {
  const error = events.find((event) => event.event === 'error')?.data as { code: string } | undefined
  if (!error && events.at(-1)?.event === 'done') return 'allowed'
  if (error?.code === 'session_not_found') return 'hidden'
  if (error?.code === 'forbidden') return 'forbidden'
  throw new Error(`unexpected stream ${JSON.stringify(events)}`)
}

/** The resources of one cell: a chat turn (an execution in a session), a session to delete, a run to cancel. */
interface Resources {
  executionId: string
  sessionId: string
  sessionToDelete: string
  /** Absent where the viewer has no way to start a queued run (the dashboard). */
  pendingId: string | undefined
}

async function chatAs(
  headers: Record<string, string>,
): Promise<{ execution_id: string; session_id: string }> {
  const { status, body } = await apiJson('/v1/agents/helper/chat', headers, { message: 'hello' })
  expect(status).toBe(200)
  return body as { execution_id: string; session_id: string }
}

async function queueHangAs(headers: Record<string, string>): Promise<string> {
  const { status, body } = await apiJson('/v1/agents/hang/invoke', headers, {
    message: 'wait',
    options: { async: true },
  })
  expect(status).toBe(202)
  pending.push(body.execution_id)
  return body.execution_id
}

async function resourcesOf(owner: Owner, viewer: ViewerCase): Promise<Resources> {
  if (owner === 'none') {
    // The host's own code: no principal.
    const first = await gateway.chat('helper', 'hello')
    const second = await gateway.chat('helper', 'hello')
    const pendingId = await new Promise<string>((resolve) => {
      hostRuns.push(gateway.invoke('hang', 'wait', { onStart: ({ executionId }) => resolve(executionId) }))
    })
    pending.push(pendingId)
    return {
      executionId: first.executionId,
      sessionId: first.sessionId,
      sessionToDelete: second.sessionId,
      pendingId,
    }
  }
  if (owner === 'same' && 'dashboard' in viewer.via) {
    const client = dashboards[viewer.via.dashboard]
    const started = async () => {
      const events = await dashboardChat(client, { agent_id: 'helper', message: 'hello' })
      return events[0]?.data as { execution_id: string; session_id: string }
    }
    const first = await started()
    const second = await started()
    return {
      executionId: first.execution_id,
      sessionId: first.session_id,
      sessionToDelete: second.session_id,
      pendingId: undefined,
    }
  }
  const headers = owner === 'same' && 'api' in viewer.via ? viewer.via.api() : bearer(keys.other.key)
  const first = await chatAs(headers)
  const second = await chatAs(headers)
  return {
    executionId: first.execution_id,
    sessionId: first.session_id,
    sessionToDelete: second.session_id,
    pendingId: await queueHangAs(headers),
  }
}

/** Every action through the API: what actually happened. */
async function actThroughApi(headers: Record<string, string>, resources: Resources) {
  const { executionId, sessionId, sessionToDelete, pendingId } = resources
  const readExecution = outcomeOf(await apiJson(`/v1/executions/${executionId}`, headers), [200])
  const events = await api(`/v1/executions/${executionId}/events`, headers)
  const readEvents =
    events.status === 200 ? 'allowed' : events.status === 404 ? 'hidden' : String(events.status)
  await events.body?.cancel()
  const readSession = outcomeOf(await apiJson(`/v1/sessions/${sessionId}`, headers), [200])

  const executions = await apiJson(`/v1/executions?session_id=${sessionId}`, headers)
  const sessions = await apiJson('/v1/sessions?agent_id=helper&limit=200', headers)
  expect([executions.status, sessions.status]).toEqual([200, 200])
  const listed = (items: JsonBody[], key: string, id: string) => items.some((item) => item[key] === id)

  const continued = outcomeOf(
    await apiJson('/v1/agents/helper/chat', headers, { message: 'more', session_id: sessionId }),
    [200],
  )
  const cancelled = pendingId
    ? outcomeOf(await apiJson(`/v1/executions/${pendingId}/cancel`, headers, {}), [200, 202])
    : undefined
  const deleteResponse = await api(`/v1/sessions/${sessionToDelete}`, headers, { method: 'DELETE' })
  const deleted = outcomeOf(
    { status: deleteResponse.status, body: (await deleteResponse.json()) as JsonBody },
    [200],
  )
  // The answer matches what happened: gone when allowed, still there otherwise.
  const stillThere = (await api(`/v1/sessions/${sessionToDelete}`, bearer(keys.star.key))).status === 200
  expect(stillThere).toBe(deleted !== 'allowed')

  return {
    read: [readExecution, readEvents, readSession],
    list: [
      listed(executions.body.items, 'execution_id', executionId) ? 'allowed' : 'hidden',
      listed(sessions.body.items, 'session_id', sessionId) ? 'allowed' : 'hidden',
    ],
    continue: [continued],
    cancel: cancelled ? [cancelled] : [],
    delete: [deleted],
  }
}

/** Every action the dashboard offers (it cancels and deletes nothing): what actually happened. */
async function actThroughDashboard(client: DashboardClient, resources: Resources) {
  const { executionId, sessionId } = resources
  const status = async (path: string) => {
    const response = await client.get(path)
    await response.body?.cancel()
    return response.status === 200 ? 'allowed' : response.status === 404 ? 'hidden' : String(response.status)
  }
  const page = async (path: string) => (await client.get(path)).text()
  const executions = await page(`/dashboard/executions?session_id=${sessionId}`)
  const conversations = await page('/dashboard/conversations')
  return {
    read: [
      await status(`/dashboard/executions/${executionId}`),
      await status(`/dashboard/executions/${executionId}/live`),
      await status(`/dashboard/conversations/${sessionId}`),
    ],
    list: [
      executions.includes(executionId) ? 'allowed' : 'hidden',
      conversations.includes(sessionId) ? 'allowed' : 'hidden',
    ],
    continue: [
      streamOutcome(
        await dashboardChat(client, { agent_id: 'helper', message: 'more', session_id: sessionId }),
      ),
    ],
    cancel: [],
    delete: [],
  }
}

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true })
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }
  jwksServer = createServer((request, response) => {
    response.setHeader('content-type', 'application/json')
    if (request.url === '/.well-known/openid-configuration')
      response.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/keys` }))
    else response.end(JSON.stringify({ keys: [jwk] }))
  })
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}`
  jwtToken = await new SignJWT({ scope: routeScopes.join(' ') })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setSubject('user-7')
    .setIssuer(issuer)
    .setAudience('agentgw-api')
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(privateKey)

  workspace = await createTempWorkspace({
    'agents/helper/AGENT.md': simpleAgent('Help.', 'model: mock:echo'),
    'agents/hang/AGENT.md': simpleAgent('Wait.', 'model: mock:hang'),
    'agents/whoami/AGENT.md': simpleAgent('Check.', 'model: test:whoami\nskills: [identity]'),
    'agents/notes/AGENT.md': `---\nscope: personal\nmodel: test:whoami\nskills: [identity]\nsetup_schema: {type: object, required: [owner], properties: {owner: {type: string}}}\n---\nKeep notes.\n`,
    'agents/memo/AGENT.md': simpleAgent('Remember.', 'model: test:memo\nmemory: true'),
    'skills/identity/SKILL.md': '---\ndescription: Who runs this\ntools: [whoami]\n---\n',
  })
  gateway = new Gateway({
    workspace: workspace.root,
    logger: createSilentLogger(),
    auth: {
      mode: 'composite',
      apiKeys: Object.entries(keys).map(([name, { key, scopes }]) => ({ name, key, scopes })),
      oauth2: { issuer, audience: 'agentgw-api' },
      // Open the owned-resource routes to requests without credentials, so the table shows what
      // the policy — not the scope check — gives them. Credentials still count when sent.
      publicRoutes: [
        'executions.list',
        'executions.get',
        'executions.events',
        'executions.cancel',
        'sessions.list',
        'sessions.get',
        'sessions.delete',
        'agents.chat',
        'agents.config_get',
        'agents.config_save',
        'agents.config_delete',
        'agents.memory_compact',
        'users.me.conversations',
        'users.me.conversation_messages',
      ],
    },
    queue: { drainTimeoutSeconds: 1 },
  })
  gateway.useDashboard({
    authUsername: 'alice',
    authPassword: 'alice-password',
    adminUsername: 'root',
    adminPassword: 'root-password',
  })
  gateway.useModel(
    'test:whoami',
    createScriptedModel((call) =>
      call.prompt.some((message) => message.role === 'tool')
        ? { text: 'checked' }
        : { toolCalls: [{ name: 'whoami', arguments: {} }] },
    ),
  )
  gateway.useModel(
    'test:memo',
    createScriptedModel((call) => {
      if (call.prompt.some((message) => message.role === 'tool')) return { text: 'noted' }
      const system = call.prompt.find((message) => message.role === 'system')
      memoSaw.push({
        system: typeof system?.content === 'string' ? system.content : '',
        tools: (call.tools ?? []).map((tool) => tool.name),
      })
      const match = /remember: ([^"\\]+)/.exec(JSON.stringify(call.prompt.filter((m) => m.role === 'user')))
      return match
        ? { toolCalls: [{ name: 'memory_save', arguments: { content: match[1] as string } }] }
        : { text: 'ok' }
    }),
  )
  gateway.tool({
    name: 'whoami',
    description: 'Tells who runs this',
    handler: (_args, context) => {
      toolSaw.push(context.principal)
      setupSaw.push(context.userConfig)
      return { ok: true }
    },
  })
  listening = await gateway.listen({ port: 0, host: '127.0.0.1' })
  dashboards = {
    user: createDashboardClient(gateway, { baseUrl: listening.url }),
    admin: createDashboardClient(gateway, { baseUrl: listening.url }),
  }
  expect((await dashboards.user.login('alice', 'alice-password')).status).toBe(303)
  expect((await dashboards.admin.login('root', 'root-password')).status).toBe(303)
})

afterAll(async () => {
  // Runs left hanging by refused cancels end now.
  for (const id of pending)
    await api(`/v1/executions/${id}/cancel`, bearer(keys.star.key), { method: 'POST' })
  await Promise.allSettled(hostRuns)
  await listening?.close()
  await workspace?.remove()
  await new Promise((resolve) => jwksServer?.close(resolve))
})

describe('the authorization table', () => {
  const owners: Owner[] = ['none', 'same', 'other']
  const cells = viewers.flatMap((viewer) =>
    owners
      // Without credentials there is no identity to own anything: its runs are unowned ("none").
      .filter((owner) => !(owner === 'same' && viewer.reads === 'nothing'))
      .map((owner) => ({ viewer, owner })),
  )

  it.each(cells)('$viewer.name × owner $owner', async ({ viewer, owner }) => {
    const resources = await resourcesOf(owner, viewer)
    const actual =
      'dashboard' in viewer.via
        ? await actThroughDashboard(dashboards[viewer.via.dashboard], resources)
        : await actThroughApi(viewer.via.api(), resources)
    // A run whose cancel was refused would hold a queue worker until the end.
    if (resources.pendingId)
      await api(`/v1/executions/${resources.pendingId}/cancel`, bearer(keys.star.key), { method: 'POST' })
    const actions: Action[] = ['read', 'list', 'continue', 'cancel', 'delete']
    for (const action of actions) {
      const want = expected(viewer, owner, action)
      for (const got of actual[action]) expect(got, `${action}`).toBe(want)
    }
    // Every cell exercised what its surface offers.
    const offered = actions.filter((action) => actual[action].length > 0)
    expect(offered).toEqual(
      'dashboard' in viewer.via
        ? ['read', 'list', 'continue']
        : ['read', 'list', 'continue', 'cancel', 'delete'],
    )
  })
})

describe('personal setups', () => {
  /*
   * A personal agent's setup is its owner's alone: every viewer — administrators and `*` too —
   * reads, runs with and deletes only its own (the routes address no other owner), and a request
   * without credentials has none (401).
   */
  beforeAll(async () => {
    const saved = await apiJson('/v1/agents/notes/config', bearer(keys.other.key), {
      values: { owner: 'other' },
    })
    expect(saved.status).toBe(200)
  })

  it.each(viewers)('$name', async (viewer) => {
    const before = setupSaw.length
    if ('dashboard' in viewer.via) {
      const client = dashboards[viewer.via.dashboard]
      const page = await (await client.get('/dashboard/agents/notes/setup')).text()
      expect(page).toContain('setup required')
      expect(page).not.toContain('value="other"')
      const token = await client.csrfToken('/dashboard/agents/notes/setup')
      const saved = await client.post('/dashboard/agents/notes/setup', { _csrf: token, owner: viewer.name })
      expect(saved.status).toBe(303)
      const events = await dashboardChat(client, { agent_id: 'notes', message: 'hello' })
      expect(events.at(-1)?.event).toBe('done')
      expect(setupSaw.slice(before)).toEqual([{ owner: viewer.name }])
      expect((await client.post('/dashboard/agents/notes/setup/delete', { _csrf: token })).status).toBe(303)
    } else {
      const headers = viewer.via.api()
      const read = await apiJson('/v1/agents/notes/config', headers)
      if (viewer.reads === 'nothing') {
        expect([read.status, read.body.error.code]).toEqual([401, 'auth_required'])
        const saved = await apiJson('/v1/agents/notes/config', headers, { values: { owner: 'intruder' } })
        expect(saved.status).toBe(401)
        expect((await apiJson('/v1/agents/notes/chat', headers, { message: 'hello' })).status).toBe(401)
        expect(setupSaw.length).toBe(before)
        return
      }
      expect([read.status, read.body.error.code]).toEqual([404, 'config_not_found'])
      const saved = await apiJson('/v1/agents/notes/config', headers, { values: { owner: viewer.name } })
      expect(saved.status).toBe(200)
      expect((await apiJson('/v1/agents/notes/config', headers)).body.values).toEqual({ owner: viewer.name })
      expect((await apiJson('/v1/agents/notes/chat', headers, { message: 'hello' })).status).toBe(200)
      expect(setupSaw.slice(before)).toEqual([{ owner: viewer.name }])
      const deleted = await api('/v1/agents/notes/config', headers, { method: 'DELETE' })
      expect(deleted.status).toBe(200)
      expect((await apiJson('/v1/agents/notes/config', headers)).status).toBe(404)
    }
    // The other owner's setup was never touched.
    const other = await apiJson('/v1/agents/notes/config', bearer(keys.other.key))
    expect(other.body.values).toEqual({ owner: 'other' })
  })
})

describe('memories', () => {
  /*
   * Memories are their owner's alone, for every viewer — administrators and `*` too: another
   * owner's memory is never recalled into a prompt nor listed by compaction, and a caller
   * without a user gets no memory tools and no memories (401 on compaction).
   */
  const remembered = (system: string) =>
    [...system.matchAll(/<memory id="[^"]+">([^<]*)<\/memory>/g)].map((m) => m[1])
  beforeAll(async () => {
    const saved = await apiJson('/v1/agents/memo/chat', bearer(keys.other.key), {
      message: 'remember: the other owner likes mango',
    })
    expect(saved.status).toBe(200)
    const recalled = await apiJson('/v1/agents/memo/chat', bearer(keys.other.key), { message: 'mango?' })
    expect(recalled.status).toBe(200)
    expect(remembered(memoSaw.at(-1)?.system ?? '')).toEqual(['the other owner likes mango'])
  })

  it.each(viewers)('$name', async (viewer) => {
    if ('dashboard' in viewer.via) {
      const events = await dashboardChat(dashboards[viewer.via.dashboard], {
        agent_id: 'memo',
        message: 'mango kiwi?',
      })
      expect(events.at(-1)?.event).toBe('done')
      expect(memoSaw.at(-1)?.system).not.toContain('mango')
      return
    }
    const headers = viewer.via.api()
    if (viewer.reads === 'nothing') {
      expect((await apiJson('/v1/agents/memo/chat', headers, { message: 'mango kiwi?' })).status).toBe(200)
      expect(memoSaw.at(-1)?.tools).toEqual([])
      expect(memoSaw.at(-1)?.system).not.toContain('mango')
      const compacted = await apiJson('/v1/agents/memo/memory/compact', headers, {})
      expect([compacted.status, compacted.body.error.code]).toEqual([401, 'auth_required'])
      return
    }
    const mine = `${viewer.name} likes kiwi`
    expect((await apiJson('/v1/agents/memo/chat', headers, { message: `remember: ${mine}` })).status).toBe(
      200,
    )
    expect(memoSaw.at(-1)?.tools).toContain('memory_save')
    expect((await apiJson('/v1/agents/memo/chat', headers, { message: 'mango kiwi?' })).status).toBe(200)
    expect(remembered(memoSaw.at(-1)?.system ?? '')).toEqual([mine])
    const compacted = await apiJson('/v1/agents/memo/memory/compact', headers, {})
    expect(compacted.status).toBe(200)
    expect((compacted.body.memories as { content: string }[]).map((memory) => memory.content)).toEqual([mine])
  })
})

describe('my conversations', () => {
  /*
   * `/v1/users/me/conversations` is the caller's own, whoever it is: administrators, `*` and
   * `executions:read_all` see only theirs there (they have `/v1/sessions` for everyone's), and a
   * request without credentials has none.
   */
  const apiViewers = viewers.filter((viewer) => 'api' in viewer.via)

  it.each(apiViewers)('$name', async (viewer) => {
    const theirs = await chatAs(bearer(keys.other.key))
    const headers = (viewer.via as { api: () => Record<string, string> }).api()
    const listed = await apiJson('/v1/users/me/conversations?limit=200', headers)
    expect(listed.status).toBe(200)
    const ids = (listed.body.items as JsonBody[]).map((item) => item.conversation_id)
    expect(ids).not.toContain(theirs.session_id)
    const others = await apiJson(`/v1/users/me/conversations/${theirs.session_id}/messages`, headers)
    expect([others.status, others.body.error?.code]).toEqual([404, 'session_not_found'])
    if (viewer.reads === 'nothing') {
      expect(ids).toEqual([])
      return
    }
    const mine = await chatAs(headers)
    const again = await apiJson('/v1/users/me/conversations?limit=200', headers)
    expect((again.body.items as JsonBody[]).map((item) => item.conversation_id)).toContain(mine.session_id)
    const messages = await apiJson(`/v1/users/me/conversations/${mine.session_id}/messages`, headers)
    expect(messages.status).toBe(200)
    expect(messages.body.items[0]).toEqual({ role: 'user', content: 'hello' })
  })
})

describe('queue workers', () => {
  it.each([
    [
      'API key',
      () => bearer(keys.plain.key),
      { id: 'key:plain', kind: 'api_key', scopes: routeScopes, name: 'plain' },
    ],
    ['JWT user', () => bearer(jwtToken), { id: 'jwt:user-7', kind: 'jwt', scopes: routeScopes }],
  ])('run a run queued with %s as that principal, and record it as theirs', async (_, headers, principal) => {
    const seen = toolSaw.length
    const { status, body } = await apiJson('/v1/agents/whoami/invoke', headers(), {
      message: 'who?',
      options: { async: true },
    })
    expect(status).toBe(202)
    // Following the execution ends with `done` once the worker has finished it.
    const { events } = await readSse(await api(`/v1/executions/${body.execution_id}/events`, headers()))
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { status: 'completed' } })
    expect(toolSaw.slice(seen)).toEqual([expect.objectContaining(principal)])
    // Recorded as theirs: the other key does not see it, read_all does.
    expect((await api(`/v1/executions/${body.execution_id}`, bearer(keys.other.key))).status).toBe(404)
    expect((await api(`/v1/executions/${body.execution_id}`, bearer(keys.reader.key))).status).toBe(200)
  })

  it("run a dashboard admin's retry as that admin", async () => {
    const { body } = await apiJson('/v1/agents/whoami/invoke', bearer(keys.plain.key), { message: 'who?' })
    expect(body.status).toBe('completed')
    const seen = toolSaw.length
    const token = await dashboards.admin.csrfToken(`/dashboard/executions/${body.execution_id}`)
    const retried = await dashboards.admin.post(`/dashboard/executions/${body.execution_id}/retry`, {
      _csrf: token,
    })
    expect(retried.status).toBe(303)
    const retryId = decodeURIComponent(retried.headers.get('location')?.split('/').at(-1) ?? '')
    const { events } = await readSse(await api(`/v1/executions/${retryId}/events`, bearer(keys.star.key)))
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { status: 'completed' } })
    expect(toolSaw.slice(seen)).toEqual([
      expect.objectContaining({ id: 'user:root', kind: 'user', scopes: ['*'] }),
    ])
    expect((await api(`/v1/executions/${retryId}`, bearer(keys.plain.key))).status).toBe(404)
  })
})
