import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toViewer } from '../src/core/authorization.ts'
import { GatewayError } from '../src/core/errors.ts'
import { Gateway } from '../src/index.ts'
import { createScriptedModel, type ScriptedModel } from '../src/testing/scripted-model.ts'
import { createDashboardClient } from './support/dashboard-client.ts'
import { readSse } from './support/read-sse.ts'
import { createRecordingLogger } from './support/recording-logger.ts'
import { createTempWorkspace, type TempWorkspace } from './support/temp-workspace.ts'
import { type JsonBody, simpleAgent } from './support/test-gateway.ts'

/*
 * Personal agents (`scope: personal`): a run needs an identified user (401 otherwise) who has
 * completed the agent's setup (409 `setup_required` with the prefixed setup URL otherwise). The
 * setup is the caller's own, validated against `setup_schema`, its sensitive values sealed in
 * storage and never sent back or logged; tools get the decrypted values of the user who runs.
 */

const aliceSecret = `alice-token-${randomBytes(6).toString('hex')}`
const bobSecret = `bob-token-${randomBytes(6).toString('hex')}`
const keys = {
  alice: 'alice-key-0123456789',
  bob: 'bob-key-0123456789',
}
const userScopes = ['agents:read', 'agents:invoke', 'agents:configure', 'executions:read']

const setupSchema = {
  type: 'object',
  required: ['email', 'api_key'],
  properties: {
    email: { type: 'string', title: 'Email address' },
    api_key: { type: 'string', sensitive: true, minLength: 8 },
    folders: { type: 'array', items: { type: 'string' } },
    digest: { type: 'boolean' },
    max_items: { type: 'integer', minimum: 1 },
    tone: { type: 'string', enum: ['formal', 'casual'] },
  },
}

const mailAgent = `---
description: Reads your mail
scope: personal
model: test:mail
tools: [peek]
setup_schema: ${JSON.stringify(setupSchema)}
---
You summarise the user's mailbox.
`

let directory: string
let workspace: TempWorkspace
let gateway: Gateway
let model: ScriptedModel
const recording = createRecordingLogger()
/** What the `peek` tool received, per run. */
const toolSaw: { principal: string | undefined; userConfig: unknown }[] = []

const request = (urlPath: string, headers: Record<string, string> = {}, init: RequestInit = {}) =>
  gateway.fetch(
    new Request(new URL(`/ai${urlPath}`, 'http://gateway.test'), {
      ...init,
      headers: { ...headers, ...(init.body ? { 'content-type': 'application/json' } : {}) },
    }),
    { mountPath: '/ai' },
  )
const as = (user: keyof typeof keys) => ({ authorization: `Bearer ${keys[user]}` })
const json = async (response: Response | Promise<Response>) => {
  const resolved = await response
  return { status: resolved.status, body: (await resolved.json()) as JsonBody }
}
const invoke = (headers: Record<string, string>) =>
  json(
    request('/v1/agents/mail/invoke', headers, { method: 'POST', body: JSON.stringify({ message: 'hi' }) }),
  )
const saveConfig = (user: keyof typeof keys, body: unknown) =>
  json(request('/v1/agents/mail/config', as(user), { method: 'POST', body: JSON.stringify(body) }))

/** The system prompt of the model call that started the most recent run. */
const lastSystemPrompt = () => {
  const firstCalls = model.calls.filter((call) => !call.prompt.some((message) => message.role === 'tool'))
  const system = firstCalls.at(-1)?.prompt.find((message) => message.role === 'system')
  return typeof system?.content === 'string' ? system.content : ''
}

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'agw-personal-'))
  workspace = await createTempWorkspace({
    'agents/mail/AGENT.md': mailAgent,
    'agents/helper/AGENT.md': simpleAgent(),
  })
  gateway = new Gateway({
    workspace: workspace.root,
    logger: recording.logger,
    persistence: { backend: 'sqlite', url: path.join(directory, 'gateway.db') },
    secrets: { key: randomBytes(32).toString('base64') },
    auth: {
      mode: 'api_key',
      apiKeys: Object.entries(keys).map(([name, key]) => ({ name, key, scopes: userScopes })),
      // Lets requests without credentials reach the runner, to see the personal agent refuse them.
      publicRoutes: ['agents.invoke'],
    },
  })
  gateway.useDashboard({ authUsername: 'carol', authPassword: 'carol-password' })
  model = createScriptedModel((call) =>
    call.prompt.some((message) => message.role === 'tool')
      ? { text: 'summarised' }
      : { toolCalls: [{ name: 'peek', arguments: {} }] },
  )
  gateway.useModel('test:mail', model)
  gateway.tool({
    name: 'peek',
    description: 'Looks into the mailbox',
    handler: (_args, context) => {
      toolSaw.push({ principal: context.principal?.id, userConfig: context.userConfig })
      return { unread: 3 }
    },
  })
  await gateway.start()
})

afterAll(async () => {
  await gateway?.stop()
  await workspace?.remove()
  await rm(directory, { recursive: true, force: true })
})

describe('personal agents', () => {
  it('refuses callers without a user identity with 401 auth_required', async () => {
    const anonymous = await invoke({})
    expect(anonymous.status).toBe(401)
    expect(anonymous.body.error.code).toBe('auth_required')
    // The host's own code has no user either.
    const error = await gateway.invoke('mail', 'hi').catch((caught: unknown) => caught)
    expect(GatewayError.isInstance(error) && error.code).toBe('auth_required')
  })

  it('answers 409 setup_required with the prefixed setup URL before the setup', async () => {
    const before = await invoke(as('alice'))
    expect(before.status).toBe(409)
    expect(before.body.error.code).toBe('setup_required')
    expect(before.body.error.setup_url).toBe('/ai/dashboard/agents/mail/setup')
    // A stream gets the same error as its `error` frame, then `done`.
    const stream = await request('/v1/agents/mail/chat', as('alice'), {
      method: 'POST',
      body: JSON.stringify({ message: 'hi', options: { stream: true } }),
    })
    const { events } = await readSse(stream)
    expect(events[0]).toMatchObject({
      event: 'error',
      data: { code: 'setup_required', setup_url: '/ai/dashboard/agents/mail/setup' },
    })
    expect(events.at(-1)?.event).toBe('done')
    expect(toolSaw).toEqual([])
  })

  it('serves the setup schema of a personal agent, and 400 for a global one', async () => {
    const schema = await json(request('/v1/agents/mail/setup-schema', as('alice')))
    expect(schema.status).toBe(200)
    expect(schema.body).toMatchObject({
      agent_id: 'mail',
      scope: 'personal',
      setup_schema: setupSchema,
      sensitive_fields: ['api_key'],
      config_url: '/ai/v1/agents/mail/config',
    })
    const global = await json(request('/v1/agents/helper/setup-schema', as('alice')))
    expect([global.status, global.body.error.code]).toEqual([400, 'not_personal_agent'])
    const missing = await json(request('/v1/agents/mail/config', as('alice')))
    expect([missing.status, missing.body.error.code]).toEqual([404, 'config_not_found'])
  })

  it('validates the setup against the schema', async () => {
    const missingKey = await saveConfig('alice', { values: { email: 'alice@example.com' } })
    expect(missingKey.status).toBe(422)
    expect(missingKey.body.error.code).toBe('validation_failed')
    const wrongType = await saveConfig('alice', {
      values: { email: 'alice@example.com', api_key: aliceSecret, max_items: 'many' },
    })
    expect(wrongType.status).toBe(422)
    expect(JSON.stringify(wrongType.body)).not.toContain(aliceSecret)
    const unknownField = await saveConfig('alice', { values: {}, extra: true })
    expect(unknownField.status).toBe(422)
  })

  it('stores the setup with the secret sealed, and never sends the secret back', async () => {
    const saved = await saveConfig('alice', {
      values: {
        email: 'alice@example.com',
        api_key: aliceSecret,
        folders: ['inbox', 'work'],
        digest: true,
        max_items: 5,
        tone: 'formal',
      },
      instructions: 'Call me Captain Alice.',
    })
    expect(saved.status).toBe(200)
    expect(saved.body).toMatchObject({
      agent_id: 'mail',
      user_id: 'key:alice',
      setup_completed: true,
      values: {
        email: 'alice@example.com',
        folders: ['inbox', 'work'],
        digest: true,
        max_items: 5,
        tone: 'formal',
      },
      secrets_set: ['api_key'],
      instructions: 'Call me Captain Alice.',
    })
    expect(JSON.stringify(saved.body)).not.toContain(aliceSecret)
    const read = await json(request('/v1/agents/mail/config', as('alice')))
    expect(read.status).toBe(200)
    expect(read.body.values).not.toHaveProperty('api_key')
    expect(JSON.stringify(read.body)).not.toContain(aliceSecret)

    // The raw row holds the sealed value only.
    const raw = new Database(path.join(directory, 'gateway.db'), { readonly: true })
    try {
      const rows = raw.prepare('select * from personal_configs').all() as Record<string, unknown>[]
      expect(rows).toHaveLength(1)
      const text = JSON.stringify(rows)
      expect(text).not.toContain(aliceSecret)
      expect(text).toContain('agw1.')
      expect(JSON.parse(String(rows[0]?.config_values))).not.toHaveProperty('api_key')
    } finally {
      raw.close()
    }
  })

  it("runs with the caller's own setup: secrets to tools only, instructions fenced in the prompt", async () => {
    const run = await invoke(as('alice'))
    expect(run.status).toBe(200)
    expect(run.body.status).toBe('completed')
    expect(toolSaw.at(-1)).toEqual({
      principal: 'key:alice',
      userConfig: {
        email: 'alice@example.com',
        api_key: aliceSecret,
        folders: ['inbox', 'work'],
        digest: true,
        max_items: 5,
        tone: 'formal',
      },
    })
    const system = lastSystemPrompt()
    expect(system).toContain('## User Instructions')
    expect(system).toContain('<user-instructions>\nCall me Captain Alice.\n</user-instructions>')
    // The model never sees the secret, nor does the trace.
    expect(JSON.stringify(model.calls.map((call) => call.prompt))).not.toContain(aliceSecret)
    const trace = await json(
      request(`/v1/executions/${run.body.execution_id}?include_steps=true`, as('alice')),
    )
    expect(trace.status).toBe(200)
    expect(JSON.stringify(trace.body)).not.toContain(aliceSecret)
  })

  it("never hands user A's setup to user B's run", async () => {
    const before = await invoke(as('bob'))
    expect(before.status).toBe(409)
    const bobRead = await json(request('/v1/agents/mail/config', as('bob')))
    expect(bobRead.status).toBe(404)
    const saved = await saveConfig('bob', {
      values: { email: 'bob@example.com', api_key: bobSecret },
      instructions: 'Keep it short, Bob here.',
    })
    expect(saved.status).toBe(200)
    const run = await invoke(as('bob'))
    expect(run.status).toBe(200)
    expect(toolSaw.at(-1)).toEqual({
      principal: 'key:bob',
      userConfig: { email: 'bob@example.com', api_key: bobSecret },
    })
    const system = lastSystemPrompt()
    expect(system).toContain('Keep it short, Bob here.')
    expect(system).not.toContain('Captain Alice')
    // Alice's setup is untouched by Bob's.
    const alice = await json(request('/v1/agents/mail/config', as('alice')))
    expect(alice.body.values.email).toBe('alice@example.com')
  })

  it('keeps a stored secret when the setup is saved with it left blank', async () => {
    const saved = await saveConfig('alice', {
      values: { email: 'captain@example.com', api_key: '', tone: 'casual' },
    })
    expect(saved.status).toBe(200)
    expect(saved.body.secrets_set).toEqual(['api_key'])
    // Instructions left out are kept too.
    expect(saved.body.instructions).toBe('Call me Captain Alice.')
    await invoke(as('alice'))
    expect(toolSaw.at(-1)?.userConfig).toEqual({
      email: 'captain@example.com',
      api_key: aliceSecret,
      tone: 'casual',
    })
  })

  it('deletes the setup: the agent asks for it again', async () => {
    const deleted = await json(request('/v1/agents/mail/config', as('bob'), { method: 'DELETE' }))
    expect(deleted).toEqual({ status: 200, body: { deleted: true } })
    expect((await invoke(as('bob'))).status).toBe(409)
    const again = await json(request('/v1/agents/mail/config', as('bob'), { method: 'DELETE' }))
    expect(again.status).toBe(404)
    // Alice still has hers.
    expect((await invoke(as('alice'))).status).toBe(200)
  })

  it('never logs a secret', () => {
    const logged = JSON.stringify(recording.entries)
    expect(logged).not.toContain(aliceSecret)
    expect(logged).not.toContain(bobSecret)
  })
})

describe('the dashboard setup form', () => {
  const dashboardSecret = `carol-token-${randomBytes(6).toString('hex')}`

  it('shows badges, builds the form from the schema, keeps a blank secret and never shows it', async () => {
    const client = createDashboardClient(gateway, { mountPath: '/ai' })
    expect((await client.login('carol', 'carol-password')).status).toBe(303)
    const cardOf = (page: string, id: string) => {
      const start = page.indexOf(`data-agent="${id}"`)
      return page.slice(start, page.indexOf('</article>', start))
    }
    const badge = async () => {
      const card = cardOf(await (await client.get('/dashboard/agents')).text(), 'mail')
      return /data-testid="setup-badge"\s*>([^<]+)</.exec(card)?.[1]
    }
    expect(await badge()).toBe('setup required')
    const agents = await (await client.get('/dashboard/agents')).text()
    expect(agents).toContain('href="/ai/dashboard/agents/mail/setup"')
    // A global agent has no badge.
    expect(cardOf(agents, 'helper')).not.toContain('setup-badge')

    const form = await (await client.get('/dashboard/agents/mail/setup')).text()
    expect(form).toContain('action="/ai/dashboard/agents/mail/setup"')
    for (const field of [
      /<input type="password" name="api_key"/,
      /<select name="tone"/,
      /<input type="checkbox" name="digest"/,
      /<input type="number" name="max_items"/,
      /<input name="folders"[^>]*placeholder="comma-separated"/,
      /<input name="email"/,
      /<textarea name="instructions"/,
    ])
      expect(form).toMatch(field)
    const token = await client.csrfToken('/dashboard/agents/mail/setup')
    const fields = {
      _csrf: token,
      email: 'carol@example.com',
      api_key: dashboardSecret,
      folders: 'inbox, work',
      digest: 'on',
      max_items: '7',
      tone: 'casual',
      instructions: 'Sign as Carol.',
    }
    const refused = await client.post('/dashboard/agents/mail/setup', { ...fields, max_items: '0' })
    expect(refused.status).toBe(422)
    const refusedPage = await refused.text()
    expect(refusedPage).toContain('data-testid="setup-error"')
    expect(refusedPage).not.toContain(dashboardSecret)
    const saved = await client.post('/dashboard/agents/mail/setup', fields)
    expect([saved.status, saved.headers.get('location')]).toEqual([303, '/ai/dashboard/agents'])
    expect(await badge()).toBe('configured')

    const again = await (await client.get('/dashboard/agents/mail/setup')).text()
    expect(again).not.toContain(dashboardSecret)
    expect(again).toContain('value="inbox, work"')
    // Blank password keeps the stored secret.
    expect(
      (await client.post('/dashboard/agents/mail/setup', { ...fields, api_key: '', tone: 'formal' })).status,
    ).toBe(303)
    const agent = await gateway.internalRuntime.agents.get('mail')
    const carol = toViewer({ id: 'user:carol', kind: 'user', scopes: [] })
    const setup = agent ? await gateway.internalRuntime.personalConfigs.forRun(agent, carol) : undefined
    expect(setup).toMatchObject({
      values: {
        email: 'carol@example.com',
        api_key: dashboardSecret,
        folders: ['inbox', 'work'],
        digest: true,
        max_items: 7,
        tone: 'formal',
      },
      instructions: 'Sign as Carol.',
    })

    expect((await client.post('/dashboard/agents/mail/setup/delete', { _csrf: token })).status).toBe(303)
    expect(await badge()).toBe('setup required')
    // A global agent has no setup page.
    expect((await client.get('/dashboard/agents/helper/setup')).status).toBe(400)
    expect(JSON.stringify(recording.entries)).not.toContain(dashboardSecret)
  })
})

describe('personal agents without a secret key', () => {
  it('refuse to start when a setup has sensitive fields', async () => {
    const files = await createTempWorkspace({
      'agents/mail/AGENT.md': mailAgent.replace('test:mail', 'mock:echo'),
    })
    const bare = new Gateway({
      workspace: files.root,
      logger: createRecordingLogger().logger,
      auth: { mode: 'none' },
      persistence: { enabled: false },
    })
    try {
      const error = await bare.start().catch((caught: unknown) => caught)
      expect(String((error as Error)?.message)).toMatch(/secrets\.key|AGW_SECRET_KEY/)
    } finally {
      await bare.stop().catch(() => undefined)
      await files.remove()
    }
  })

  it('refuse the anonymous principal of an open gateway with 401', async () => {
    const files = await createTempWorkspace({
      'agents/notes/AGENT.md': `---\nscope: personal\nmodel: mock:echo\n---\nYou keep notes.\n`,
    })
    const open = new Gateway({
      workspace: files.root,
      logger: createRecordingLogger().logger,
      auth: { mode: 'none' },
      persistence: { enabled: false },
    })
    try {
      const response = await open.fetch(
        new Request('http://gateway.test/v1/agents/notes/invoke', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ message: 'hi' }),
        }),
      )
      expect(response.status).toBe(401)
      expect(((await response.json()) as JsonBody).error.code).toBe('auth_required')
    } finally {
      await open.stop()
      await files.remove()
    }
  })
})
