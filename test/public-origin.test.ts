import { afterEach, describe, expect, it } from 'vitest'
import type { Logger } from '../src/core/logger.ts'
import { Gateway, type GatewayOptions, type ListeningGateway } from '../src/index.ts'
import { sendRaw } from './support/raw-http.ts'
import { createRecordingLogger, logText } from './support/recording-logger.ts'
import { createTempWorkspace, type TempWorkspace } from './support/temp-workspace.ts'
import { simpleAgent } from './support/test-gateway.ts'

// Regression tests for "the client's Host header decides absolute URLs": `curl -H 'Host:
// evil.example' …/openapi.json` answered `servers: [{url: "http://evil.example"}]` and the 202
// Location pointed there too; and a trusted proxy's `X-Forwarded-Prefix: /\evil.example`
// produced `Location: /\evil.example/…`, which browsers resolve off-site.

let workspace: TempWorkspace | undefined
let running: ListeningGateway | undefined
afterEach(async () => {
  await running?.close()
  await workspace?.remove()
  running = undefined
})

async function serve(options: GatewayOptions = {}, logger?: Logger): Promise<ListeningGateway> {
  workspace = await createTempWorkspace({
    'agents/later/AGENT.md': simpleAgent('Later.', 'execution_mode: async\nmodel: mock:echo'),
  })
  const gateway = new Gateway({
    workspace: workspace.root,
    auth: { mode: 'none' },
    ...(logger ? { logger } : { telemetry: { logLevel: 'silent' } }),
    ...options,
  })
  running = await gateway.listen({ port: 0, host: '127.0.0.1' })
  return running
}

/** `curl -H 'Host: …' <url>/openapi.json` */
const spec = (url: string, host: string) => sendRaw(`${url}/openapi.json`, { headers: { host } })

/** Queues a run (the async agent answers 202 with a Location). */
const queue = (url: string, headers: Record<string, string>) =>
  sendRaw(`${url}/v1/agents/later/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: '{"message":"x"}',
  })

describe('absolute URLs', () => {
  it('never follow a Host header the gateway was not told to trust: links stay relative', async () => {
    const { url } = await serve()
    expect((await spec(url, 'evil.example')).body.servers).toEqual([{ url: '/' }])
    const queued = await queue(url, { host: 'evil.example' })
    expect(queued.status).toBe(202)
    expect(queued.headers.location).toBe(`/v1/executions/${queued.body.execution_id}`)
  })

  it('come from server.public_url, whatever Host the client sends', async () => {
    const { url } = await serve({ server: { publicUrl: 'https://agents.example.com/', rootPath: '/public' } })
    expect((await spec(url, 'evil.example')).body.servers).toEqual([
      { url: 'https://agents.example.com/public' },
    ])
    const queued = await queue(url, { host: 'evil.example' })
    expect(queued.headers.location).toBe(
      `https://agents.example.com/public/v1/executions/${queued.body.execution_id}`,
    )
  })

  it('use the Host header when server.allowed_hosts lists it, and only then', async () => {
    const { url } = await serve({ server: { allowedHosts: ['agents.example.com'] } })
    expect((await spec(url, 'agents.example.com:8000')).body.servers).toEqual([
      { url: 'http://agents.example.com:8000' },
    ])
    expect((await spec(url, 'evil.example')).body.servers).toEqual([{ url: '/' }])
  })

  it('refuse a public_url with a path, and allowed_hosts entries that are not hosts, at start-up', () => {
    expect(() => new Gateway({ configFile: false, server: { publicUrl: 'https://x.example/ai' } })).toThrow(
      /server\.publicUrl.*root_path/,
    )
    expect(() => new Gateway({ configFile: false, server: { allowedHosts: ['https://x.example'] } })).toThrow(
      /server\.allowed_?[hH]osts/,
    )
  })
})

describe('a trusted proxy', () => {
  it('cannot move links off-site with X-Forwarded-Prefix; the refusal is logged', async () => {
    const { logger, entries } = createRecordingLogger()
    const { url } = await serve({ proxy: { forwardedAllowIps: ['127.0.0.1'] } }, logger)
    for (const prefix of ['/\\evil.example', '//evil.example', 'https://evil.example']) {
      const queued = await queue(url, {
        'x-forwarded-prefix': prefix,
        'x-forwarded-host': 'gw.example',
        'x-forwarded-proto': 'https',
      })
      expect(queued.headers.location, prefix).toBe(
        `https://gw.example/v1/executions/${queued.body.execution_id}`,
      )
      expect(queued.body.poll_url).toBe(`/v1/executions/${queued.body.execution_id}`)
    }
    const refusals = entries
      .filter((entry) => entry.level === 'warn' && logText(entry).includes('x-forwarded-prefix'))
      .map(logText)
    // Logged once, then throttled (a misconfigured proxy sends it on every request).
    expect(refusals).toHaveLength(1)
    expect(refusals[0]).toContain('\\\\evil.example')
  })
})
