import { metrics } from '@opentelemetry/api'
import {
  type CollectionResult,
  type DataPoint,
  type Histogram,
  MeterProvider,
  MetricReader,
} from '@opentelemetry/sdk-metrics'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Gateway } from '../src/index.ts'

/** Collects on demand, like a Prometheus scrape. */
class InMemoryMetricReader extends MetricReader {
  protected onForceFlush(): Promise<void> {
    return Promise.resolve()
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve()
  }
}

const reader = new InMemoryMetricReader()
const provider = new MeterProvider({ readers: [reader] })
let gw: Gateway

beforeAll(async () => {
  // Before the gateway starts: its instruments come from the meter provider registered then.
  metrics.setGlobalMeterProvider(provider)
  gw = new Gateway({
    workspace: 'examples/quickstart/workspace',
    persistence: { enabled: false },
    auth: { mode: 'none' },
    model: { default: 'mock:assistant' },
  })
  await gw.start()
})
afterAll(async () => {
  await gw.stop()
  await provider.shutdown()
  metrics.disable()
})

async function collect(): Promise<Map<string, DataPoint<unknown>[]>> {
  const { resourceMetrics }: CollectionResult = await reader.collect()
  const byName = new Map<string, DataPoint<unknown>[]>()
  for (const scope of resourceMetrics.scopeMetrics) {
    expect(scope.scope.name).toBe('agentgw')
    for (const metric of scope.metrics) {
      byName.set(metric.descriptor.name, metric.dataPoints as DataPoint<unknown>[])
    }
  }
  return byName
}

const pointWith = (points: DataPoint<unknown>[] | undefined, attributes: Record<string, unknown>) =>
  points?.find((point) => Object.entries(attributes).every(([key, value]) => point.attributes[key] === value))

const invoke = (body: Record<string, unknown>) =>
  gw.fetch(
    new Request('http://local/v1/agents/weather/invoke', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  )

describe('OpenTelemetry metrics', () => {
  it('counts executions, model calls, tokens, cost and tool calls of an invoke', async () => {
    const before = await collect()
    const completedBefore =
      (pointWith(before.get('agentgw.executions'), { 'agentgw.execution.status': 'completed' })?.value as
        | number
        | undefined) ?? 0
    const response = await invoke({ message: 'Outlook?', input: { city: 'Lisbon' } })
    const body = (await response.json()) as {
      status: string
      usage: { input_tokens: number; output_tokens: number }
    }
    expect(body.status).toBe('completed')

    const after = await collect()
    expect(
      pointWith(after.get('agentgw.executions'), {
        'gen_ai.agent.id': 'weather',
        'agentgw.execution.status': 'completed',
      })?.value,
    ).toBe(completedBefore + 1)
    const calls = pointWith(after.get('agentgw.model.calls'), {
      'gen_ai.agent.id': 'weather',
      'gen_ai.request.model': 'mock:assistant',
      'agentgw.outcome': 'ok',
    })
    // The weather agent calls its model, its tool, then its model again.
    expect(calls?.value).toBeGreaterThanOrEqual(2)
    const tokens = after.get('agentgw.model.tokens')
    expect(pointWith(tokens, { 'gen_ai.token.type': 'input' })?.value).toBeGreaterThanOrEqual(
      body.usage.input_tokens,
    )
    expect(pointWith(tokens, { 'gen_ai.token.type': 'output' })?.value).toBeGreaterThanOrEqual(
      body.usage.output_tokens,
    )
    const usage = pointWith(after.get('gen_ai.client.token.usage'), { 'gen_ai.token.type': 'input' })
      ?.value as Histogram | undefined
    expect(usage?.count).toBeGreaterThanOrEqual(2)
    expect(pointWith(after.get('agentgw.cost'), { 'gen_ai.agent.id': 'weather' })?.value).toEqual(
      expect.any(Number),
    )
    expect(
      pointWith(after.get('agentgw.tool.calls'), {
        'gen_ai.tool.name': 'get-weather',
        'agentgw.outcome': 'ok',
      })?.value,
    ).toBeGreaterThanOrEqual(1)
  })

  it('measures queued job durations and reports the queue depth', async () => {
    const accepted = await invoke({ message: 'Outlook?', input: { city: 'Porto' }, options: { async: true } })
    expect(accepted.status).toBe(202)
    let duration: Histogram | undefined
    for (let tries = 0; tries < 200 && !duration?.count; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      duration = pointWith((await collect()).get('agentgw.job.duration'), { 'agentgw.outcome': 'ok' })
        ?.value as Histogram | undefined
    }
    expect(duration?.count).toBeGreaterThanOrEqual(1)
    expect(duration?.sum).toBeGreaterThan(0)
    const depth = (await collect()).get('agentgw.queue.depth')
    expect(depth?.[0]?.attributes['agentgw.queue.backend']).toEqual(expect.any(String))
    expect(depth?.[0]?.value).toBe(0)
  }, 60_000)
})
