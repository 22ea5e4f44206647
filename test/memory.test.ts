import type { LanguageModelV4CallOptions } from '@ai-sdk/provider'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSilentLogger } from '../src/core/logger.ts'
import { Gateway } from '../src/index.ts'
import { createScriptedModel, type ScriptedModel } from '../src/testing/scripted-model.ts'
import { requireService } from './support/requirements.ts'
import { postgresUrl } from './support/services.ts'
import { createTempWorkspace, type TempWorkspace } from './support/temp-workspace.ts'
import type { JsonBody } from './support/test-gateway.ts'

/*
 * Agent memory: a user's memory saved through `memory_save` on one instance is recalled into the
 * prompt of a new session on another instance sharing the Postgres schema; another user, and a
 * caller without a user, never see it; compaction dedupes the caller's own memories.
 */

await requireService('PostgreSQL', 5432)

const keys = { alice: 'alice-key-0123456789', bob: 'bob-key-0123456789' }
const schema = `agwmem_${Math.random().toString(36).slice(2, 10)}`

let workspace: TempWorkspace
const gateways: Gateway[] = []
const models: ScriptedModel[] = []

const firstSystemPrompt = (call: LanguageModelV4CallOptions | undefined) => {
  const system = call?.prompt.find((message) => message.role === 'system')
  return typeof system?.content === 'string' ? system.content : ''
}
const userText = (call: LanguageModelV4CallOptions) =>
  JSON.stringify(call.prompt.filter((message) => message.role === 'user'))
const toolNames = (call: LanguageModelV4CallOptions | undefined) =>
  (call?.tools ?? []).map((tool) => tool.name).sort()

/** Saves what follows "remember:" with `memory_save`; otherwise answers. */
function rememberingModel() {
  return createScriptedModel((call) => {
    if (call.prompt.some((message) => message.role === 'tool')) return { text: 'noted' }
    // Automatic extraction: a fact when the message holds one.
    if (firstSystemPrompt(call).startsWith('You extract durable facts'))
      return { text: userText(call).includes('walked') ? '- The user has a dog named Rex\n' : 'NONE' }
    const match = /remember: ([^"\\]+)/.exec(userText(call))
    return match
      ? { toolCalls: [{ name: 'memory_save', arguments: { content: match[1] as string } }] }
      : { text: 'answered' }
  })
}

const invoke = async (instance: number, message: string, key?: string) => {
  const response = await gateways[instance]?.fetch(
    new Request('http://gateway.test/ai/v1/agents/notes/invoke', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({ message }),
    }),
    { mountPath: '/ai' },
  )
  return { status: response?.status, body: (await response?.json()) as JsonBody }
}
const compact = async (key: string | undefined, agent = 'notes') => {
  const response = await gateways[1]?.fetch(
    new Request(`http://gateway.test/ai/v1/agents/${agent}/memory/compact`, {
      method: 'POST',
      headers: key ? { authorization: `Bearer ${key}` } : {},
    }),
    { mountPath: '/ai' },
  )
  return { status: response?.status, body: (await response?.json()) as JsonBody }
}
const chat = async (instance: number, agent: string, message: string, key: string) => {
  const response = await gateways[instance]?.fetch(
    new Request(`http://gateway.test/ai/v1/agents/${agent}/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ message }),
    }),
    { mountPath: '/ai' },
  )
  return { status: response?.status, body: (await response?.json()) as JsonBody }
}
const lastCall = (instance: number) => models[instance]?.calls.at(-1)

beforeAll(async () => {
  workspace = await createTempWorkspace({
    'agents/notes/AGENT.md':
      '---\nmodel: test:notes\nmemory: {enabled: true, max_injected_chars: 200}\n---\nTake notes.\n',
    'agents/diary/AGENT.md':
      '---\nmodel: test:notes\nmemory: {enabled: true, auto_extract: true}\n---\nKeep a diary.\n',
    'agents/plain/AGENT.md': '---\nmodel: test:notes\n---\nNo memory.\n',
  })
  for (let index = 0; index < 2; index++) {
    const gateway = new Gateway({
      workspace: workspace.root,
      logger: createSilentLogger(),
      persistence: { backend: 'postgres', url: postgresUrl, schema },
      auth: {
        mode: 'api_key',
        apiKeys: Object.entries(keys).map(([name, key]) => ({
          name,
          key,
          scopes: ['agents:read', 'agents:invoke'],
        })),
        publicRoutes: ['agents.invoke', 'agents.memory_compact'],
      },
    })
    const model = rememberingModel()
    gateway.useModel('test:notes', model)
    await gateway.start()
    gateways.push(gateway)
    models.push(model)
  }
})

afterAll(async () => {
  for (const gateway of gateways) await gateway.stop()
  await workspace?.remove()
  const client = new pg.Client({ connectionString: postgresUrl })
  await client.connect()
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await client.end()
})

describe('agent memory', () => {
  it('saves in one session and recalls in a new session on another instance', async () => {
    const saved = await invoke(0, 'remember: my favourite colour is teal', keys.alice)
    expect(saved.status).toBe(200)
    expect(toolNames(models[0]?.calls[0])).toEqual(['memory_forget', 'memory_recall', 'memory_save'])
    const toolResult = JSON.stringify(lastCall(0)?.prompt.filter((message) => message.role === 'tool'))
    expect(toolResult).toContain('my favourite colour is teal')

    const recalled = await invoke(1, 'which colour is my favourite?', keys.alice)
    expect(recalled.status).toBe(200)
    const system = firstSystemPrompt(lastCall(1))
    expect(system).toContain('## Remembered About The User')
    expect(system).toMatch(
      /<memories>\n<memory id="[^"]+">my favourite colour is teal<\/memory>\n<\/memories>/,
    )
  })

  it('never shows one user the memories of another', async () => {
    const bob = await invoke(1, 'which colour is my favourite?', keys.bob)
    expect(bob.status).toBe(200)
    const system = firstSystemPrompt(lastCall(1))
    expect(system).not.toContain('teal')
    expect(system).not.toContain('Remembered About The User')
    // Bob's own memory stays his, and Alice's stays hers.
    await invoke(0, 'remember: my favourite colour is orange', keys.bob)
    await invoke(1, 'favourite colour?', keys.alice)
    expect(firstSystemPrompt(lastCall(1))).toContain('teal')
    expect(firstSystemPrompt(lastCall(1))).not.toContain('orange')
  })

  it('offers no memory tools and recalls nothing for a caller without a user', async () => {
    const anonymous = await invoke(1, 'which colour is my favourite?')
    expect(anonymous.status).toBe(200)
    expect(toolNames(lastCall(1))).toEqual([])
    expect(firstSystemPrompt(lastCall(1))).not.toContain('teal')
    expect((await compact(undefined)).status).toBe(401)
  })

  it('keeps the injected memories within max_injected_chars', async () => {
    for (const food of ['pizza', 'ramen', 'tacos', 'dumplings'])
      await invoke(0, `remember: favourite food is ${food} ${'and more details '.repeat(3)}`, keys.alice)
    await invoke(1, 'favourite food?', keys.alice)
    const system = firstSystemPrompt(lastCall(1))
    const injected = [...system.matchAll(/<memory id="[^"]+">([^<]*)<\/memory>/g)].map(
      (match) => match[1] ?? '',
    )
    expect(injected.length).toBeGreaterThan(0)
    expect(injected.length).toBeLessThan(5)
    expect(injected.join('').length).toBeLessThanOrEqual(200)
  })

  it('compacts the caller’s own memories: duplicates and contained ones go', async () => {
    await invoke(0, 'remember: my favourite colour is teal.', keys.alice)
    await invoke(0, 'remember: lives in Lisbon', keys.alice)
    await invoke(0, 'remember: lives in Lisbon near the river', keys.alice)
    const result = await compact(keys.alice)
    expect(result.status).toBe(200)
    expect(result.body.user_id).toBe('key:alice')
    const contents = (result.body.memories as { content: string }[]).map((memory) => memory.content)
    expect(contents.filter((content) => /favourite colour is teal/.test(content))).toHaveLength(1)
    expect(contents).toContain('lives in Lisbon near the river')
    expect(contents).not.toContain('lives in Lisbon')
    expect(result.body.before).toBeGreaterThan(result.body.after)
    // Bob's memory was not touched by Alice's compaction.
    const bob = await compact(keys.bob)
    expect((bob.body.memories as { content: string }[]).map((memory) => memory.content)).toEqual([
      'my favourite colour is orange',
    ])
    expect((await compact(keys.alice, 'plain')).body.error.code).toBe('memory_disabled')
  })

  it('extracts memories from chat turns through the queue, after the answer', async () => {
    const turn = await chat(0, 'diary', 'I walked my dog today, his name is Rex', keys.alice)
    expect(turn.status).toBe(200)
    await chat(0, 'diary', 'what a nice day', keys.alice)
    // The extraction runs as a queue job on either instance; poll the recall of a new session.
    const deadline = Date.now() + 20_000
    let system = ''
    while (Date.now() < deadline) {
      await chat(1, 'diary', 'tell me about my dog', keys.alice)
      system = firstSystemPrompt(
        models[1]?.calls.filter((call) => !firstSystemPrompt(call).startsWith('You extract')).at(-1),
      )
      if (system.includes('The user has a dog named Rex')) break
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    expect(system).toContain('The user has a dog named Rex')
    const kept = await gateways[1]?.fetch(
      new Request('http://gateway.test/ai/v1/agents/diary/memory/compact', {
        method: 'POST',
        headers: { authorization: `Bearer ${keys.alice}` },
      }),
      { mountPath: '/ai' },
    )
    // Only the one fact: the other turns' extractions answered "NONE".
    const body = (await kept?.json()) as JsonBody
    expect((body.memories as { content: string }[]).map((memory) => memory.content)).toEqual([
      'The user has a dog named Rex',
    ])
    // Bob, another user, has none of Alice's extracted memories.
    await chat(1, 'diary', 'tell me about my dog', keys.bob)
    const bobCall = models[1]?.calls.filter((call) => userText(call).includes('tell me about my dog')).at(-1)
    expect(firstSystemPrompt(bobCall)).toContain('Keep a diary.')
    expect(firstSystemPrompt(bobCall)).not.toContain('Rex')
  })
})
