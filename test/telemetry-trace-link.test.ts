import { context, propagation, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDashboardClient } from './support/dashboard-client.ts'
import { createTestGateway, readJson, simpleAgent, type TestGateway } from './support/test-gateway.ts'

const exporter = new InMemorySpanExporter()
let t: TestGateway

beforeAll(async () => {
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
  )
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  propagation.setGlobalPropagator(new W3CTraceContextPropagator())
  // SQLite, so the trace id goes through the migration's column and back.
  t = await createTestGateway(
    { 'agents/helper/AGENT.md': simpleAgent('Help.', 'model: mock:echo') },
    { persistence: { url: ':memory:' } },
  )
  t.gateway.useDashboard({ adminUsername: 'root', adminPassword: 'root-password' })
})
afterAll(async () => {
  await t.close()
  trace.disable()
  context.disable()
  propagation.disable()
})

describe('execution ↔ trace links', () => {
  it('records the trace id on the execution and the execution id on its spans', async () => {
    const traceId = '5bf92f3577b34da6a3ce929d0e0e4737'
    const invoked = await readJson(
      t.request('/v1/agents/helper/invoke', {
        method: 'POST',
        headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
        body: JSON.stringify({ message: 'hello' }),
      }),
    )
    expect(invoked.status).toBe('completed')
    const id = invoked.execution_id as string

    const record = await readJson(t.request(`/v1/executions/${id}`))
    expect(record.trace_id).toBe(traceId)

    const run = exporter
      .getFinishedSpans()
      .find((span) => span.name === 'invoke_agent helper' && span.attributes['agentgw.execution.id'] === id)
    expect(run?.spanContext().traceId).toBe(record.trace_id)

    const root = createDashboardClient(t.gateway)
    expect((await root.login('root', 'root-password')).status).toBe(303)
    const page = await (await root.request(`/dashboard/executions/${id}`)).text()
    expect(page).toMatch(new RegExp(`data-testid="execution-trace-id"><code>${traceId}</code>`))
  })

  it('records the trace of the request that queued an async run', async () => {
    const traceId = '6bf92f3577b34da6a3ce929d0e0e4738'
    const accepted = await t.request('/v1/agents/helper/invoke', {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-00f067aa0ba902b8-01` },
      body: JSON.stringify({ message: 'later', options: { async: true } }),
    })
    expect(accepted.status).toBe(202)
    const { execution_id: id } = (await accepted.json()) as { execution_id: string }
    let record = await readJson(t.request(`/v1/executions/${id}`))
    for (let tries = 0; tries < 200 && record.status !== 'completed'; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      record = await readJson(t.request(`/v1/executions/${id}`))
    }
    expect(record.status).toBe('completed')
    expect(record.trace_id).toBe(traceId)
  }, 60_000)

  it('leaves the trace id null when nothing is recording', async () => {
    trace.disable()
    try {
      const invoked = await readJson(
        t.request('/v1/agents/helper/invoke', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ message: 'untraced' }),
        }),
      )
      const record = await readJson(t.request(`/v1/executions/${invoked.execution_id}`))
      expect(record.trace_id).toBeNull()
    } finally {
      trace.setGlobalTracerProvider(
        new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
      )
    }
  })
})
