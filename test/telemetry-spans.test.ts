import { context, propagation, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Gateway } from '../src/index.ts'

const exporter = new InMemorySpanExporter()
let gw: Gateway

beforeAll(async () => {
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
  )
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  propagation.setGlobalPropagator(new W3CTraceContextPropagator())
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
  trace.disable()
  context.disable()
  propagation.disable()
})

const callerTraceId = '4bf92f3577b34da6a3ce929d0e0e4736'
const callerSpanId = '00f067aa0ba902b7'

describe('OpenTelemetry spans', () => {
  it('traces one invoke with a tool call as HTTP → run → model call → tool call → model call', async () => {
    exporter.reset()
    const response = await gw.fetch(
      new Request('http://local/v1/agents/weather/invoke', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          traceparent: `00-${callerTraceId}-${callerSpanId}-01`,
        },
        body: JSON.stringify({ message: 'Outlook?', input: { city: 'Lisbon' } }),
      }),
    )
    const body = (await response.json()) as { status: string; execution_id: string }
    expect(body.status).toBe('completed')

    const spans = exporter.getFinishedSpans()
    const byStart = [...spans].sort((a, b) => hrToNs(a.startTime) - hrToNs(b.startTime))
    const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId
    const http = byStart.find((span) => span.name === 'POST /v1/agents/:agent_id/invoke')
    expect(http, byStart.map((span) => span.name).join(', ')).toBeDefined()
    // The caller's trace continues.
    expect(http?.spanContext().traceId).toBe(callerTraceId)
    expect(parentOf(http as ReadableSpan)).toBe(callerSpanId)
    expect(http?.attributes['http.response.status_code']).toBe(200)

    const run = byStart.find((span) => span.name === 'invoke_agent weather') as ReadableSpan
    expect(parentOf(run)).toBe(http?.spanContext().spanId)
    expect(run.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.id': 'weather',
      'agentgw.execution.id': body.execution_id,
    })

    const underRun = byStart.filter((span) => parentOf(span) === run.spanContext().spanId)
    expect(underRun.map((span) => span.name)).toEqual([
      'chat mock:assistant',
      'execute_tool get-weather',
      'chat mock:assistant',
    ])
    const [firstCall, tool] = underRun
    expect(firstCall?.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'mock',
      'gen_ai.request.model': 'mock:assistant',
      'agentgw.execution.id': body.execution_id,
    })
    expect(firstCall?.attributes['gen_ai.usage.input_tokens']).toEqual(expect.any(Number))
    expect(tool?.attributes).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'get-weather',
      'gen_ai.tool.call.id': expect.any(String),
    })
    for (const span of spans) expect(span.spanContext().traceId).toBe(callerTraceId)
  })
})

describe('OpenTelemetry across the queue', () => {
  it("continues the submitting request's trace in the worker that runs the queued execution", async () => {
    exporter.reset()
    const traceId = '0af7651916cd43dd8448eb211c80319c'
    const accepted = await gw.fetch(
      new Request('http://local/v1/agents/weather/invoke', {
        method: 'POST',
        headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-b7ad6b7169203331-01` },
        body: JSON.stringify({ message: 'Outlook?', input: { city: 'Porto' }, options: { async: true } }),
      }),
    )
    expect(accepted.status).toBe(202)
    const { execution_id: id } = (await accepted.json()) as { execution_id: string }
    let run: ReadableSpan | undefined
    for (let tries = 0; tries < 200 && !run; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      run = exporter
        .getFinishedSpans()
        .find(
          (span) => span.attributes['agentgw.execution.id'] === id && span.name === 'invoke_agent weather',
        )
    }
    const spans = exporter.getFinishedSpans()
    const enqueue = spans.find((span) => span.name === 'enqueue execution')
    const processed = spans.find((span) => span.name === 'process execution')
    expect(enqueue?.spanContext().traceId).toBe(traceId)
    expect(processed?.spanContext().traceId).toBe(traceId)
    expect(processed?.parentSpanContext?.spanId).toBe(enqueue?.spanContext().spanId)
    expect(run?.spanContext().traceId).toBe(traceId)
    expect(run?.parentSpanContext?.spanId).toBe(processed?.spanContext().spanId)
  }, 60_000)
})

function hrToNs([seconds, nanos]: [number, number]): number {
  return seconds * 1e9 + nanos
}
