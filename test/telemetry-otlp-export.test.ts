import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTelemetrySdk } from '../src/cli/telemetry-sdk.ts'
import { resolveConfig } from '../src/core/config/resolve-config.ts'
import { type SpawnedGateway, spawnGateway, waitFor } from './support/spawn-gateway.ts'
import { createTempWorkspace, type TempWorkspace } from './support/temp-workspace.ts'
import { simpleAgent } from './support/test-gateway.ts'

/** OTLP JSON, as far as these tests read it. */
interface OtlpAttribute {
  key: string
  value: { stringValue?: string; intValue?: string | number; doubleValue?: number }
}
interface OtlpSpan {
  name: string
  traceId: string
  attributes?: OtlpAttribute[]
}
interface OtlpBody {
  resourceSpans?: { resource: { attributes: OtlpAttribute[] }; scopeSpans: { spans: OtlpSpan[] }[] }[]
  resourceMetrics?: {
    scopeMetrics: { metrics: { name: string; [kind: string]: unknown }[] }[]
  }[]
}

/** One OTLP/HTTP request as a collector would receive it. */
interface Export {
  path: string
  headers: IncomingHttpHeaders
  body: OtlpBody
}

let receiver: Server
const exports: Export[] = []
let workspace: TempWorkspace
let gateway: SpawnedGateway | undefined

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      exports.push({ path: request.url ?? '', headers: request.headers, body: JSON.parse(text || '{}') })
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  const { port } = receiver.address() as AddressInfo
  workspace = await createTempWorkspace({
    'agents/helper/AGENT.md': simpleAgent('Help.', 'model: mock:echo'),
    'gateway.yaml': [
      'persistence:',
      '  url: ":memory:"',
      'auth:',
      '  mode: none',
      'telemetry:',
      '  service_name: otlp-test-gateway',
      '  exporter: otlp',
      `  endpoint: http://127.0.0.1:${port}`,
      '  headers:',
      '    x-collector-key: collector-secret',
      '  metrics_interval_seconds: 1',
      '',
    ].join('\n'),
  })
})
afterAll(async () => {
  await gateway?.stop()
  await new Promise((resolve) => receiver.close(resolve))
  await workspace.remove()
})

const spansOf = (item: Export): OtlpSpan[] =>
  item.body.resourceSpans?.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans)) ?? []
const attribute = (span: OtlpSpan, key: string) =>
  span.attributes?.find((entry) => entry.key === key)?.value.stringValue

describe('agentgw serve with telemetry.exporter: otlp', () => {
  it('exports the spans of an invoke to the configured OTLP/HTTP endpoint with its headers', async () => {
    gateway = await spawnGateway({ workspace: workspace.root })
    const traceId = '7bf92f3577b34da6a3ce929d0e0e4739'
    const response = await fetch(`${gateway.url}/v1/agents/helper/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-00f067aa0ba902b9-01` },
      body: JSON.stringify({ message: 'hello' }),
    })
    const body = (await response.json()) as { status: string; execution_id: string }
    expect(body.status, JSON.stringify(body)).toBe('completed')

    // The batch processor exports within its schedule (5 s by default).
    const run = await waitFor(async () => {
      for (const item of exports.filter((entry) => entry.path === '/v1/traces')) {
        const span = spansOf(item).find(
          (candidate) =>
            candidate.name === 'invoke_agent helper' &&
            attribute(candidate, 'agentgw.execution.id') === body.execution_id,
        )
        if (span) return { span, item }
      }
      return undefined
    }, 30_000)
    expect(run.span.traceId).toBe(traceId)
    expect(run.item.headers['x-collector-key']).toBe('collector-secret')
    expect(run.item.body.resourceSpans?.[0]?.resource.attributes).toContainEqual({
      key: 'service.name',
      value: { stringValue: 'otlp-test-gateway' },
    })
    const record = (await (await fetch(`${gateway.url}/v1/executions/${body.execution_id}`)).json()) as {
      trace_id: string
    }
    expect(record.trace_id).toBe(traceId)

    // SIGTERM drains, then flushes what is left; the process still exits cleanly.
    expect(await gateway.stop()).toBe(0)
    gateway = undefined
    const metricNames = exports
      .filter((entry) => entry.path === '/v1/metrics')
      .flatMap((entry) => entry.body.resourceMetrics ?? [])
      .flatMap((resource) =>
        resource.scopeMetrics.flatMap((scope) => scope.metrics.map((metric) => metric.name)),
      )
    expect(metricNames).toEqual(expect.arrayContaining(['agentgw.executions', 'agentgw.model.calls']))
  }, 90_000)
})

describe('the OpenTelemetry SDK for agentgw serve', () => {
  it('refuses to start without the SDK packages, naming what to install', async () => {
    const { config } = resolveConfig({ overrides: { telemetry: { exporter: 'otlp' } } })
    const missing = (name: string) =>
      name === '@opentelemetry/exporter-trace-otlp-http'
        ? Promise.reject(
            Object.assign(new Error(`Cannot find package '${name}'`), { code: 'ERR_MODULE_NOT_FOUND' }),
          )
        : import(name)
    await expect(startTelemetrySdk(config.telemetry, missing)).rejects.toThrow(
      /telemetry\.exporter: otlp needs the OpenTelemetry SDK.*missing @opentelemetry\/exporter-trace-otlp-http.*npm install @opentelemetry\/sdk-trace-base/,
    )
  })

  it('starts nothing for exporter: none', async () => {
    const { config } = resolveConfig({})
    expect(config.telemetry.exporter).toBe('none')
    expect(
      await startTelemetrySdk(config.telemetry, () => Promise.reject(new Error('not loaded'))),
    ).toBeUndefined()
  })
})
