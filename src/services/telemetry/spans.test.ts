import { context, propagation, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { activeTraceId, extractTraceContext, injectTraceContext, withSpan } from './spans.ts'

const exporter = new InMemorySpanExporter()

beforeAll(() => {
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
  trace.setGlobalTracerProvider(provider)
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  propagation.setGlobalPropagator(new W3CTraceContextPropagator())
})
afterAll(() => {
  trace.disable()
  context.disable()
  propagation.disable()
})
beforeEach(() => exporter.reset())

describe('withSpan', () => {
  it('nests spans started inside it and ends them', async () => {
    await withSpan('outer', { attributes: { 'gen_ai.agent.id': 'a' } }, async () => {
      await withSpan('inner', {}, async () => 1)
    })
    const [inner, outer] = exporter.getFinishedSpans()
    expect(outer?.name).toBe('outer')
    expect(outer?.attributes['gen_ai.agent.id']).toBe('a')
    expect(inner?.parentSpanContext?.spanId).toBe(outer?.spanContext().spanId)
  })

  it('records a thrown error as the span status and rethrows it', async () => {
    const failure = Object.assign(new Error('boom'), { code: 'tool_failed' })
    await expect(withSpan('failing', {}, () => Promise.reject(failure))).rejects.toBe(failure)
    const [span] = exporter.getFinishedSpans()
    expect(span?.status).toMatchObject({ code: 2, message: 'boom' })
    expect(span?.attributes['error.type']).toBe('tool_failed')
  })

  it('carries the trace across a queue through W3C headers', async () => {
    let carried: Record<string, string> = {}
    let traceId: string | undefined
    await withSpan('enqueue', {}, async () => {
      carried = injectTraceContext()
      traceId = activeTraceId()
    })
    expect(carried.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/)
    await withSpan('process', { parent: extractTraceContext(carried) }, async () => {
      expect(activeTraceId()).toBe(traceId)
    })
  })
})

describe('without an SDK', () => {
  it('runs the function and reports no trace id', async () => {
    trace.disable()
    try {
      expect(await withSpan('nothing', {}, async () => activeTraceId())).toBeUndefined()
      expect(injectTraceContext()).toEqual({})
    } finally {
      trace.setGlobalTracerProvider(
        new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
      )
    }
  })
})
