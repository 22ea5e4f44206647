import type { MiddlewareHandler } from 'hono'
import { extractTraceContext, SpanKind, withSpan } from '../../services/telemetry/spans.ts'
import type { GatewayEnv } from '../gateway-env.ts'

/**
 * One server span per request, named `METHOD /route/{param}` by the matched route, continuing
 * the caller's trace when it sent `traceparent`. A no-op unless an OpenTelemetry SDK is
 * registered. For an event stream the span covers the handler; the run's span continues under it.
 */
export function traceRequest(): MiddlewareHandler<GatewayEnv> {
  return async function traceRequestMiddleware(c, next) {
    const route = c.var.route
    const method = c.req.method
    const parent = extractTraceContext({
      traceparent: c.req.header('traceparent'),
      tracestate: c.req.header('tracestate'),
    })
    await withSpan(
      route ? `${method} ${route.path}` : method,
      {
        kind: SpanKind.SERVER,
        parent,
        attributes: {
          'http.request.method': method,
          ...(route ? { 'http.route': route.path, 'agentgw.route.id': route.id } : {}),
          'agentgw.request.id': c.get('requestId') ?? '',
        },
      },
      async (span) => {
        await next()
        span.setAttribute('http.response.status_code', c.res.status)
      },
    )
  }
}
