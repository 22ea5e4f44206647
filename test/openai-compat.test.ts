import { mkdtemp, rm } from 'node:fs/promises'
import type { Server } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createOpenAICompatible } from '@ai-sdk/openai-compatible'
import type { LanguageModelV4CallOptions } from '@ai-sdk/provider'
import { generateText, streamText } from 'ai'
import express from 'express'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toExpressHandler } from '../src/adapters/hosts/express.ts'
import { createSilentLogger } from '../src/core/logger.ts'
import { Gateway } from '../src/index.ts'
import { createScriptedModel } from '../src/testing/scripted-model.ts'
import { closeServer, listenOnLoopback } from './support/http-server.ts'
import { createHttpsFetch } from './support/https-fetch.ts'
import { requireBinary } from './support/requirements.ts'
import { createTempWorkspace, type TempWorkspace } from './support/temp-workspace.ts'
import { type JsonBody, simpleAgent } from './support/test-gateway.ts'
import {
  createSelfSignedCertificate,
  forwardingDirectives,
  freePort,
  nginxBinary,
  type RunningNginx,
  startNginx,
  tlsNginxConfig,
} from './support/tls-nginx.ts'

const fullKey = 'openai-compat-full-key-0123456789'
const readerKey = 'openai-compat-reader-key-0123456789'

const files = {
  'agents/assistant/AGENT.md': simpleAgent(
    'You help.',
    'description: Answers questions\nmodel: mock:assistant\ntools: [weather]',
  ),
  'tools/weather/TOOL.md':
    '---\ndescription: Get the weather forecast for a city\nparameters:\n  city: {type: string, required: true}\n---\n',
  'tools/weather/handler.mjs':
    'export const handle = (args) => ({ city: args.city, forecast: "sunny-from-handler" })',
  'agents/recorder/AGENT.md': simpleAgent('You record.', 'model: test:recorder'),
  'agents/reporter/AGENT.md': simpleAgent(
    'You report.',
    'model: mock:assistant\noutput_schema:\n  type: object\n  properties:\n    city: {type: string}\n  required: [city]',
  ),
  'agents/broken/AGENT.md': simpleAgent('You fail.', "model: 'mock:fail?status=500'"),
  'agents/off/AGENT.md': simpleAgent('Off.', 'enabled: false'),
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content
  return (content as { type: string; text?: string }[]).map((part) => part.text ?? '').join('')
}

/** Answers with what it saw: the user messages and whether the caller's instructions arrived. */
function recorderReply(call: LanguageModelV4CallOptions): { text: string } {
  const users = call.prompt
    .filter((message) => message.role === 'user')
    .map((message) => textOf(message.content))
  const system = call.prompt.find((message) => message.role === 'system')
  const instructed = typeof system?.content === 'string' && system.content.includes('Answer like a pirate.')
  return { text: `users=${users.join('|')};instructed=${instructed}` }
}

interface Subject {
  gateway: Gateway
  workspace: TempWorkspace
}

async function createSubject(): Promise<Subject> {
  const workspace = await createTempWorkspace(files)
  const gateway = new Gateway({
    workspace: workspace.root,
    logger: createSilentLogger(),
    model: { maxRetries: 0 },
    auth: {
      mode: 'api_key',
      apiKeys: [
        { name: 'full', key: fullKey },
        { name: 'reader', key: readerKey, scopes: ['agents:read'] },
      ],
    },
  })
  gateway.useModel('test:recorder', createScriptedModel(recorderReply))
  return { gateway, workspace }
}

interface Target {
  /** Where the gateway answers, without a trailing slash (prefix included). */
  base: string
  fetch: typeof fetch
}

function openai(target: Target, apiKey = fullKey): OpenAI {
  return new OpenAI({ apiKey, baseURL: `${target.base}/v1`, maxRetries: 0, fetch: target.fetch })
}

function aiSdk(target: Target) {
  return createOpenAICompatible({
    name: 'agentgw',
    baseURL: `${target.base}/v1`,
    apiKey: fullKey,
    fetch: target.fetch,
    includeUsage: true,
  })
}

/** The scenarios every placement runs: the official clients against the same gateway. */
function clientScenarios(target: () => Target): void {
  it('lists the enabled agents as models with the openai client', async () => {
    const ids: string[] = []
    for await (const model of openai(target()).models.list()) ids.push(model.id)
    expect(ids.sort()).toEqual(['assistant', 'broken', 'recorder', 'reporter'])
  })

  it('answers a non-streaming completion with the agent, its tool run on the server', async () => {
    const completion = await openai(target()).chat.completions.create({
      model: 'assistant',
      messages: [{ role: 'user', content: 'What is the weather forecast in Paris?' }],
    })
    expect(completion.object).toBe('chat.completion')
    expect(completion.model).toBe('assistant')
    expect(completion.id).toMatch(/^exec_/)
    expect(completion.choices[0]?.message.content).toContain('sunny-from-handler')
    expect(completion.choices[0]?.finish_reason).toBe('stop')
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(0)
    expect(completion.usage?.total_tokens).toBe(
      (completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0),
    )
  })

  it('streams chat.completion.chunk frames with the openai client, usage last', async () => {
    const stream = await openai(target()).chat.completions.create({
      model: 'assistant',
      messages: [{ role: 'user', content: 'What is the weather forecast in Oslo?' }],
      stream: true,
      stream_options: { include_usage: true },
    })
    let content = ''
    const finishReasons: (string | null)[] = []
    let usage: OpenAI.CompletionUsage | null | undefined
    let chunks = 0
    for await (const chunk of stream) {
      chunks++
      expect(chunk.object).toBe('chat.completion.chunk')
      for (const choice of chunk.choices) {
        content += choice.delta.content ?? ''
        finishReasons.push(choice.finish_reason)
      }
      if (chunk.usage) usage = chunk.usage
    }
    expect(chunks).toBeGreaterThan(3)
    expect(content).toContain('sunny-from-handler')
    expect(finishReasons.at(-1)).toBe('stop')
    expect(usage?.completion_tokens).toBeGreaterThan(0)
  })

  it('raises the OpenAI error classes for an unknown model, a bad key and a missing scope', async () => {
    const unknown = openai(target()).chat.completions.create({
      model: 'nobody',
      messages: [{ role: 'user', content: 'Hi' }],
    })
    await expect(unknown).rejects.toBeInstanceOf(OpenAI.NotFoundError)
    await expect(unknown).rejects.toMatchObject({
      status: 404,
      code: 'agent_not_found',
      type: 'not_found_error',
    })

    const badKey = openai(target(), 'not-a-key').models.list()
    await expect(badKey).rejects.toBeInstanceOf(OpenAI.AuthenticationError)
    await expect(badKey).rejects.toMatchObject({ code: 'invalid_credentials', type: 'authentication_error' })

    const reader = openai(target(), readerKey).chat.completions.create({
      model: 'assistant',
      messages: [{ role: 'user', content: 'Hi' }],
    })
    await expect(reader).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError)
  })

  it('raises a failed run as a server error, streaming or not', async () => {
    const client = openai(target())
    const failed = client.chat.completions.create({
      model: 'broken',
      messages: [{ role: 'user', content: 'Hi' }],
    })
    await expect(failed).rejects.toBeInstanceOf(OpenAI.InternalServerError)
    await expect(failed).rejects.toMatchObject({ status: 502, code: 'model_error' })

    const stream = await client.chat.completions.create({
      model: 'broken',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    })
    const drained = (async () => {
      for await (const _chunk of stream) {
        // drain until the error frame
      }
    })()
    await expect(drained).rejects.toMatchObject({ code: 'model_error' })
  })

  it('runs generateText and streamText through the AI SDK OpenAI-compatible provider', async () => {
    const provider = aiSdk(target())
    const generated = await generateText({
      model: provider.chatModel('assistant'),
      prompt: 'What is the weather forecast in Rome?',
      maxRetries: 0,
    })
    expect(generated.text).toContain('sunny-from-handler')
    expect(generated.finishReason).toBe('stop')
    expect(generated.usage.inputTokens).toBeGreaterThan(0)

    const streamed = streamText({
      model: provider.chatModel('assistant'),
      prompt: 'What is the weather forecast in Lima?',
      maxRetries: 0,
    })
    let text = ''
    let parts = 0
    for await (const delta of streamed.textStream) {
      text += delta
      parts++
    }
    expect(parts).toBeGreaterThan(2)
    expect(text).toContain('sunny-from-handler')
    expect((await streamed.usage).outputTokens).toBeGreaterThan(0)
    expect(await streamed.finishReason).toBe('stop')
  })
}

describe('OpenAI-compatible API, standalone', () => {
  let subject: Subject
  let listening: Awaited<ReturnType<Gateway['listen']>>
  let target: Target

  beforeAll(async () => {
    subject = await createSubject()
    listening = await subject.gateway.listen({ host: '127.0.0.1', port: 0 })
    target = { base: listening.url, fetch: globalThis.fetch }
  })
  afterAll(async () => {
    await listening?.close()
    await subject?.workspace.remove()
  })

  clientScenarios(() => target)

  const json = async (response: Response) => (await response.json()) as JsonBody
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${target.base}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fullKey}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    })

  it('ends the raw stream with data: [DONE] and sends no event names', async () => {
    const response = await post({
      model: 'assistant',
      stream: true,
      messages: [{ role: 'user', content: 'Hello there' }],
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const text = await response.text()
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true)
    expect(text).not.toMatch(/^event:/m)
  })

  it('without a session, the messages are the whole history and system messages instruct the agent', async () => {
    const completion = await openai(target).chat.completions.create({
      model: 'recorder',
      messages: [
        { role: 'system', content: 'Answer like a pirate.' },
        { role: 'user', content: 'one' },
        { role: 'assistant', content: 'noted' },
        { role: 'user', content: 'two' },
      ],
    })
    expect(completion.choices[0]?.message.content).toBe('users=one|two;instructed=true')
    const again = await openai(target).chat.completions.create({
      model: 'recorder',
      messages: [{ role: 'user', content: 'three' }],
    })
    expect(again.choices[0]?.message.content).toBe('users=three;instructed=false')
  })

  it('continues one durable session per `user`, and by the X-Session-Id header it returns', async () => {
    const client = openai(target)
    const user = `user-${Date.now()}`
    const first = await client.chat.completions
      .create({ model: 'recorder', user, messages: [{ role: 'user', content: 'first' }] })
      .withResponse()
    expect(first.data.choices[0]?.message.content).toBe('users=first;instructed=false')
    const sessionId = first.response.headers.get('x-session-id')
    expect(sessionId).toMatch(/^sess_/)
    const second = await client.chat.completions.create({
      model: 'recorder',
      user,
      messages: [{ role: 'user', content: 'second' }],
    })
    expect(second.choices[0]?.message.content).toBe('users=first|second;instructed=false')
    const third = await client.chat.completions.create(
      { model: 'recorder', messages: [{ role: 'user', content: 'third' }] },
      { headers: { 'X-Session-Id': sessionId as string } },
    )
    expect(third.choices[0]?.message.content).toBe('users=first|second|third;instructed=false')
    // Another user value is another session.
    const other = await client.chat.completions.create({
      model: 'recorder',
      user: `${user}-other`,
      messages: [{ role: 'user', content: 'hello' }],
    })
    expect(other.choices[0]?.message.content).toBe('users=hello;instructed=false')

    const missing = client.chat.completions.create(
      { model: 'recorder', messages: [{ role: 'user', content: 'x' }] },
      { headers: { 'X-Session-Id': 'sess_missing' } },
    )
    await expect(missing).rejects.toMatchObject({ status: 404, code: 'session_not_found' })
  })

  it('maps response_format json_schema, and the agent output_schema, to structured output', async () => {
    const client = openai(target)
    const asked = await client.chat.completions.create({
      model: 'assistant',
      messages: [{ role: 'user', content: 'Summarise hello' }],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'summary',
          schema: { type: 'object', properties: { summary: { type: 'string' } }, required: ['summary'] },
        },
      },
    })
    expect(typeof JSON.parse(asked.choices[0]?.message.content ?? '').summary).toBe('string')

    const own = await client.chat.completions.create({
      model: 'reporter',
      messages: [{ role: 'user', content: 'Report on Paris' }],
      stream: true,
    })
    let content = ''
    for await (const chunk of own) content += chunk.choices[0]?.delta.content ?? ''
    expect(typeof JSON.parse(content).city).toBe('string')
  })

  it('answers request problems in OpenAI error shape on these routes only', async () => {
    const invalid = await post({ model: 'recorder', messages: [{ role: 'assistant', content: 'x' }] })
    expect(invalid.status).toBe(422)
    expect(await invalid.json()).toEqual({
      error: {
        message: expect.stringContaining('"user"'),
        type: 'invalid_request_error',
        param: '/body/messages/0/role',
        code: 'validation_failed',
      },
    })
    const tools = await post({
      model: 'recorder',
      messages: [{ role: 'user', content: 'x' }],
      tools: [{ type: 'function', function: { name: 'x' } }],
    })
    expect(tools.status).toBe(422)
    expect((await json(tools)).error.param).toBe('/body/tools')
    const disabled = await post({ model: 'off', messages: [{ role: 'user', content: 'x' }] })
    expect(disabled.status).toBe(503)
    expect((await json(disabled)).error.code).toBe('agent_disabled')
    const anonymous = await fetch(`${target.base}/v1/models`)
    expect(anonymous.status).toBe(401)
    expect((await json(anonymous)).error.type).toBe('authentication_error')
    // The rest of the API keeps the envelope.
    const envelope = await fetch(`${target.base}/v1/agents`)
    expect(Object.keys((await json(envelope)).error).sort()).toEqual(['code', 'message'])
  })

  it('records every completion as an execution the id points to', async () => {
    const completion = await openai(target).chat.completions.create({
      model: 'recorder',
      messages: [{ role: 'user', content: 'trace me' }],
    })
    const response = await fetch(`${target.base}/v1/executions/${completion.id}`, {
      headers: { authorization: `Bearer ${fullKey}` },
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({
      execution_id: completion.id,
      agent_id: 'recorder',
      status: 'completed',
    })
  })

  it('answers a retry with the same Idempotency-Key from the first execution, streaming or not', async () => {
    const client = openai(target)
    const key = `retry-${Date.now()}`
    const request = { model: 'recorder', messages: [{ role: 'user' as const, content: 'only once' }] }
    const first = await client.chat.completions.create(request, { headers: { 'Idempotency-Key': key } })
    const again = await client.chat.completions
      .create(request, { headers: { 'Idempotency-Key': key } })
      .withResponse()
    expect(again.data.id).toBe(first.id)
    expect(again.data.choices[0]?.message.content).toBe('users=only once;instructed=false')
    expect(again.response.headers.get('idempotent-replayed')).toBe('true')

    const streamed = await client.chat.completions.create(
      { ...request, stream: true },
      { headers: { 'Idempotency-Key': `${key}-stream` } },
    )
    let firstId = ''
    for await (const chunk of streamed) firstId = chunk.id
    const replayed = await client.chat.completions.create(
      { ...request, stream: true },
      { headers: { 'Idempotency-Key': `${key}-stream` } },
    )
    let content = ''
    let replayedId = ''
    for await (const chunk of replayed) {
      replayedId = chunk.id
      content += chunk.choices[0]?.delta.content ?? ''
    }
    expect(replayedId).toBe(firstId)
    expect(content).toBe('users=only once;instructed=false')

    const reused = client.chat.completions.create(
      { model: 'recorder', messages: [{ role: 'user', content: 'something else' }] },
      { headers: { 'Idempotency-Key': key } },
    )
    await expect(reused).rejects.toMatchObject({ status: 422, code: 'idempotency_key_reused' })
  })

  it('publishes the routes in the OpenAPI document', async () => {
    const document = (await (await fetch(`${target.base}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { operationId: string }>>
    }
    expect(document.paths['/v1/chat/completions']?.post?.operationId).toBe('createChatCompletion')
    expect(document.paths['/v1/models']?.get?.operationId).toBe('listModels')
  })
})

const nginx = requireBinary('nginx', nginxBinary, ['-v'])
const openssl = requireBinary('openssl', 'openssl', ['version'])

describe.skipIf(!nginx.available || !openssl.available)(
  'OpenAI-compatible API mounted at /ai behind nginx TLS at /public/ai',
  () => {
    let dir: string
    let subject: Subject
    let backend: Server | undefined
    let proxy: RunningNginx | undefined
    let target: Target

    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'agw-openai-nginx-'))
      const ca = await createSelfSignedCertificate(dir)
      subject = await createSubject()
      subject.gateway.useProxyHeaders({ forwardedAllowIps: '127.0.0.1' })
      const app = express()
      app.use('/ai', toExpressHandler(subject.gateway))
      const started = await listenOnLoopback(app)
      backend = started.server
      const port = await freePort()
      const locations = `
    location /public/ai/ {
      proxy_pass http://127.0.0.1:${started.port}/ai/;${forwardingDirectives('/public')}
    }`
      proxy = await startNginx({ dir, port, config: tlsNginxConfig({ dir, port, locations }) })
      target = { base: `${proxy.origin}/public/ai`, fetch: createHttpsFetch(ca) }
    })
    afterAll(async () => {
      await proxy?.stop()
      await closeServer(backend)
      await subject?.gateway.stop()
      await subject?.workspace.remove()
      if (dir) await rm(dir, { recursive: true, force: true })
    })

    clientScenarios(() => target)
  },
)
