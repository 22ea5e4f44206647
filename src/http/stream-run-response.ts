import type { Context } from 'hono'
import type { GatewayError } from '../core/errors.ts'
import type { AgentRunner } from '../services/agent-runner.ts'
import { failureFrames, type StreamRequest, streamRun } from '../services/run-stream.ts'
import { prefixedLinks } from './error-response.ts'
import type { GatewayEnv } from './gateway-env.ts'
import { requestLogger } from './request-logger.ts'
import { toWireFrame } from './run-wire.ts'
import { sseResponse } from './sse.ts'

function keepaliveMs(c: Context<GatewayEnv>): number {
  return c.get('runtime').config.server.sseKeepaliveSeconds * 1000
}

/** Whether the client asked for an event stream (so errors should arrive as events too). */
export function wantsEventStream(c: Context<GatewayEnv>): boolean {
  return (c.req.header('accept') ?? '').includes('text/event-stream')
}

/**
 * An event stream holding only `error` and `done`, with the error's HTTP status: a streaming
 * client always gets a parseable stream that ends with `done`, never an empty 200.
 */
export function sseErrorResponse(
  c: Context<GatewayEnv>,
  error: GatewayError,
  sessionId?: string | null,
): Response {
  return sseResponse({
    status: error.status,
    keepaliveMs: keepaliveMs(c),
    run: async (sink) => {
      for (const frame of failureFrames(error, {
        executionId: null,
        ...(sessionId !== undefined ? { sessionId } : {}),
      })) {
        const wire = toWireFrame(frame)
        // An error that names a place to go (e.g. `setup_url`) carries it, prefixed, on the frame.
        sink.send(
          wire.event,
          frame.event === 'error' ? { ...wire.data, ...prefixedLinks(c, error) } : wire.data,
        )
      }
    },
  })
}

/** Streams a run as SSE. A client disconnect cancels the run. */
export function streamRunResponse(
  c: Context<GatewayEnv>,
  runner: AgentRunner,
  request: StreamRequest,
): Response {
  const logger = requestLogger(c)
  return sseResponse({
    keepaliveMs: keepaliveMs(c),
    requestSignal: c.req.raw.signal,
    onError: (error) => logger.error({ err: error }, 'stream failed'),
    run: async (sink) => {
      const signal = request.options.signal
        ? AbortSignal.any([request.options.signal, sink.signal])
        : sink.signal
      const frames = streamRun(runner, {
        ...request,
        options: { ...request.options, signal },
      } as StreamRequest)
      for await (const frame of frames) {
        if (sink.closed) break
        const wire = toWireFrame(frame)
        sink.send(wire.event, wire.data)
      }
    },
  })
}
