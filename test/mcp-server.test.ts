import { mkdtemp, rm } from 'node:fs/promises'
import type { Server } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client'
import express from 'express'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toExpressHandler } from '../src/adapters/hosts/express.ts'
import { createSilentLogger } from '../src/core/logger.ts'
import { Gateway } from '../src/index.ts'
import { waitFor } from '../src/testing/wait-for.ts'
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

const fullKey = 'mcp-server-full-key-0123456789'
const readerKey = 'mcp-server-reader-key-0123456789'

const files = {
  'agents/assistant/AGENT.md': simpleAgent(
    'You help.',
    'description: Answers questions about the weather\nmodel: mock:assistant\ntools: [weather]',
  ),
  'tools/weather/TOOL.md':
    '---\ndescription: Get the weather forecast for a city\nparameters:\n  city: {type: string, required: true}\n---\n',
  'tools/weather/handler.mjs':
    'export const handle = (args) => ({ city: args.city, forecast: "sunny-from-handler" })',
  'agents/reporter/AGENT.md': simpleAgent(
    'You report.',
    'description: Reports on a city\nmodel: mock:assistant\ninput_schema:\n  type: object\n  properties:\n    city: {type: string}\n  required: [city]\noutput_schema:\n  type: object\n  properties:\n    city: {type: string}\n    summary: {type: string}\n  required: [city, summary]',
  ),
  'agents/slow/AGENT.md': simpleAgent('You wait.', 'description: Never answers\nmodel: mock:hang'),
  'agents/off/AGENT.md': simpleAgent('Off.', 'enabled: false'),
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
  return { gateway, workspace }
}

interface Target {
  /** The gateway's base URL, prefix included, no trailing slash. */
  base: string
  fetch: typeof fetch
}

async function connect(target: Target, key = fullKey): Promise<Client> {
  const client = new Client({ name: 'agentgw-test', version: '1.0.0' })
  const transport = new StreamableHTTPClientTransport(new URL(`${target.base}/mcp`), {
    requestInit: { headers: { Authorization: `Bearer ${key}` } },
    fetch: target.fetch,
  })
  await client.connect(transport)
  return client
}

function textOf(result: { content?: unknown }): string {
  return ((result.content ?? []) as { type: string; text?: string }[]).map((part) => part.text ?? '').join('')
}

function mcpScenarios(target: () => Target): void {
  it('lists the enabled agents as tools with their argument and output schemas', async () => {
    const client = await connect(target())
    try {
      const { tools } = await client.listTools()
      expect(tools.map((tool) => tool.name).sort()).toEqual(['assistant', 'reporter', 'slow'])
      const assistant = tools.find((tool) => tool.name === 'assistant')
      expect(assistant?.description).toBe('Answers questions about the weather')
      expect(assistant?.inputSchema).toMatchObject({ type: 'object', required: ['message'] })
      const reporter = tools.find((tool) => tool.name === 'reporter')
      expect(reporter?.inputSchema).toMatchObject({ required: ['city'] })
      expect(reporter?.outputSchema).toMatchObject({ required: ['city', 'summary'] })
    } finally {
      await client.close()
    }
  })

  it('calls an agent, its own tools running on the server, with progress notifications', async () => {
    const client = await connect(target())
    try {
      const progress: string[] = []
      const result = await client.callTool(
        { name: 'assistant', arguments: { message: 'What is the weather forecast in Paris?' } },
        { onprogress: (update) => progress.push(update.message ?? '') },
      )
      expect(result.isError).toBeFalsy()
      expect(textOf(result)).toContain('sunny-from-handler')
      expect(progress[0]).toMatch(/^execution exec_\w+ started$/)
      expect(progress).toContain('calling tool weather')
      expect(result._meta?.['agentgw/execution_id']).toMatch(/^exec_/)
    } finally {
      await client.close()
    }
  })

  it('returns structured content for an agent with an output schema', async () => {
    const client = await connect(target())
    try {
      const result = await client.callTool({ name: 'reporter', arguments: { city: 'Oslo' } })
      expect(result.isError).toBeFalsy()
      expect(result.structuredContent).toMatchObject({
        city: expect.any(String),
        summary: expect.any(String),
      })
      expect(JSON.parse(textOf(result))).toEqual(result.structuredContent)
    } finally {
      await client.close()
    }
  })

  it('refuses a call without agents:invoke and a connection without a key', async () => {
    const reader = await connect(target(), readerKey)
    try {
      expect((await reader.listTools()).tools.length).toBe(3)
      const refused = await reader.callTool({ name: 'assistant', arguments: { message: 'Hi there' } })
      expect(refused.isError).toBe(true)
      expect(textOf(refused)).toContain('agents:invoke')
    } finally {
      await reader.close()
    }
    await expect(connect(target(), 'wrong-key')).rejects.toThrow()
  })
}

describe('agents as an MCP server, standalone', () => {
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

  mcpScenarios(() => target)

  const executions = async (): Promise<JsonBody[]> => {
    const response = await fetch(`${target.base}/v1/executions?agent_id=slow`, {
      headers: { authorization: `Bearer ${fullKey}` },
    })
    return ((await response.json()) as { items: JsonBody[] }).items
  }

  it('refuses invalid arguments against the input schema', async () => {
    const client = await connect(target)
    try {
      const result = await client
        .callTool({ name: 'reporter', arguments: { town: 'Oslo' } })
        .catch((error) => error)
      // Either a protocol error or a tool error, naming the missing field; never a run.
      expect(String(result instanceof Error ? result.message : textOf(result))).toContain('city')
    } finally {
      await client.close()
    }
  })

  it('cancels the execution when the client cancels the call (a separate notifications/cancelled request)', async () => {
    const client = await connect(target)
    try {
      const controller = new AbortController()
      const call = client.callTool(
        { name: 'slow', arguments: { message: 'Take your time' } },
        { signal: controller.signal },
      )
      await waitFor(
        async () => (await executions()).some((execution) => execution.status === 'running'),
        'the execution to run',
        15_000,
        50,
      )
      controller.abort()
      await expect(call).rejects.toThrow()
      await waitFor(
        async () => (await executions()).every((execution) => execution.status === 'cancelled'),
        'the execution to be cancelled',
        15_000,
        50,
      )
      expect((await executions()).length).toBe(1)
    } finally {
      await client.close()
    }
  })

  it('refuses browser requests from an origin it does not know (DNS rebinding), accepts its own loopback origin', async () => {
    const initialize = (origin: string) =>
      fetch(`${target.base}/mcp`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${fullKey}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          origin,
        },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: {
            protocolVersion: '2025-11-25',
            capabilities: {},
            clientInfo: { name: 'browser', version: '1' },
          },
        }),
      })
    const evil = await initialize('http://evil.example.com')
    expect(evil.status).toBe(403)
    expect(((await evil.json()) as JsonBody).error.code).toBe('forbidden')
    const own = await initialize(new URL(target.base).origin)
    expect(own.status).toBe(200)
    expect(own.headers.get('mcp-session-id')).toMatch(/^mcp_/)
  })

  it('answers GET on the endpoint with 405, and lists the route in the OpenAPI document', async () => {
    const response = await fetch(`${target.base}/mcp`, { headers: { authorization: `Bearer ${fullKey}` } })
    expect(response.status).toBe(405)
    const document = (await (await fetch(`${target.base}/openapi.json`)).json()) as JsonBody
    expect(document.paths['/mcp'].post.operationId).toBe('serveMcp')
  })
})

const nginx = requireBinary('nginx', nginxBinary, ['-v'])
const openssl = requireBinary('openssl', 'openssl', ['version'])

describe.skipIf(!nginx.available || !openssl.available)(
  'agents as an MCP server mounted at /ai behind nginx TLS at /public/ai',
  () => {
    let dir: string
    let subject: Subject
    let backend: Server | undefined
    let proxy: RunningNginx | undefined
    let target: Target

    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'agw-mcp-nginx-'))
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

    mcpScenarios(() => target)
  },
)
