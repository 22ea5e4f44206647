import { type Context, context, propagation, SpanKind, trace } from '@opentelemetry/api'

/*
 * The gateway's only dependency on OpenTelemetry is `@opentelemetry/api`. Without an SDK
 * registered by the host, every call below hits the API's no-op implementation.
 *
 * Names follow the OpenTelemetry GenAI semantic conventions where they apply:
 * `invoke_agent {agent}`, `chat {model}`, `execute_tool {tool}`.
 */

export {
  instrumentationName,
  recordSpanError,
  type SpanOptions,
  withSpan,
} from '../../engine/telemetry/with-span.ts'

/** The active trace id, or undefined when nothing is recording. */
export function activeTraceId(): string | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext()
  return spanContext && trace.isSpanContextValid(spanContext) ? spanContext.traceId : undefined
}

/** The active trace context as W3C headers (`traceparent`, `tracestate`) to carry across a queue. */
export function injectTraceContext(): Record<string, string> {
  const carrier: Record<string, string> = {}
  propagation.inject(context.active(), carrier)
  return carrier
}

/** A context whose parent is the carried trace (from {@link injectTraceContext} or HTTP headers). */
export function extractTraceContext(carrier: Readonly<Record<string, string | undefined>>): Context {
  return propagation.extract(context.active(), carrier, {
    get: (source, key) => source[key.toLowerCase()],
    keys: (source) => Object.keys(source),
  })
}

export { SpanKind }
