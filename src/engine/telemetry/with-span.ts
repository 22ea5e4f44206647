import {
  type Attributes,
  type Context,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api'

/*
 * The gateway's only dependency on OpenTelemetry is `@opentelemetry/api`. Without an SDK
 * registered by the host, every call below hits the API's no-op implementation. Services use
 * these through `src/services/telemetry/spans.ts`.
 *
 * Names follow the OpenTelemetry GenAI semantic conventions where they apply:
 * `invoke_agent {agent}`, `chat {model}`, `execute_tool {tool}`.
 */

/** Instrumentation scope name of every span and metric the gateway records. */
export const instrumentationName = 'agentgw'

/** Options of {@link withSpan}. */
export interface SpanOptions {
  /** @default SpanKind.INTERNAL */
  kind?: SpanKind
  attributes?: Attributes
  /** Parent context (e.g. extracted from a queued job); @default the active context */
  parent?: Context
}

function tracer() {
  return trace.getTracer(instrumentationName)
}

/**
 * Runs `fn` inside a new active span: child spans started in `fn` nest under it, an error
 * thrown by `fn` is recorded on the span (status ERROR) and rethrown, and the span always ends.
 *
 * @example
 * const result = await withSpan('execute_tool search', { attributes: { 'gen_ai.tool.name': 'search' } }, () => run())
 */
export function withSpan<T>(
  name: string,
  options: SpanOptions,
  fn: (span: Span) => Promise<T> | T,
): Promise<T> {
  const parent = options.parent ?? context.active()
  return tracer().startActiveSpan(
    name,
    {
      kind: options.kind ?? SpanKind.INTERNAL,
      ...(options.attributes ? { attributes: options.attributes } : {}),
    },
    parent,
    async (span) => {
      try {
        return await fn(span)
      } catch (error) {
        recordSpanError(span, error)
        throw error
      } finally {
        span.end()
      }
    },
  )
}

/** Marks a span failed with the error's message (and code, when it carries one). */
export function recordSpanError(span: Span, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error)
  if (error instanceof Error) span.recordException(error)
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string') span.setAttribute('error.type', code)
  span.setStatus({ code: SpanStatusCode.ERROR, message })
}

export { SpanKind }
