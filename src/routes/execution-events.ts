import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import { terminalStatuses } from '../core/execution-types.ts'
import { defineRoute } from '../http/define-route.ts'
import type { GatewayEnv } from '../http/gateway-env.ts'
import { errors } from '../http/openapi-schemas.ts'
import { requestLogger } from '../http/request-logger.ts'
import { sseResponse } from '../http/sse.ts'
import { executionChannel } from '../services/executions/create-execution-tracker.ts'
import { toStepBody } from './executions.ts'

/** Fallback re-read of storage when no wake-up arrived (the bus is best effort). */
const pollMs = 1000

const eventsRoute = defineRoute(
  { id: 'executions.events', surface: 'api', scopes: ['executions:read'] },
  createRoute({
    operationId: 'streamExecutionEvents',
    method: 'get',
    path: '/v1/executions/{execution_id}/events',
    tags: ['Executions'],
    summary: 'Stream an execution',
    description:
      'Server-sent events of the execution: stored steps first (after `Last-Event-ID`, if sent), then live ones, then `done` with the final status. Event ids are step sequence numbers, so a reconnect resumes where it left off, on any instance.',
    request: {
      params: z.object({
        execution_id: z
          .string()
          .min(1)
          .max(128)
          .openapi({ param: { name: 'execution_id', in: 'path' } }),
      }),
      headers: z.object({
        'last-event-id': z
          .string()
          .regex(/^\d{1,9}$/)
          .optional(),
      }),
    },
    responses: {
      200: {
        description: '`llm_call`, `tool_call`, `tool_result` events, then `done`',
        content: { 'text/event-stream': { schema: z.string() } },
      },
      ...errors(401, 403, 404),
    },
  }),
)

export function registerExecutionEventRoutes(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(eventsRoute, async (c) => {
    const runtime = c.var.runtime
    const id = c.req.valid('param').execution_id
    const viewer = c.var.viewer
    // Answered before the stream starts, so a hidden execution is a plain 404.
    await runtime.executions.getVisible(id, viewer)
    const after = Number(c.req.valid('header')['last-event-id'] ?? 0)
    return sseResponse({
      keepaliveMs: runtime.config.server.sseKeepaliveSeconds * 1000,
      requestSignal: c.req.raw.signal,
      onError: (error) =>
        requestLogger(c).error({ err: error, executionId: id }, 'execution event stream failed'),
      run: async (sink) => {
        let wake: (() => void) | undefined
        const unsubscribe = await runtime.bus.subscribe(executionChannel(id), () => wake?.())
        try {
          let last = after
          let sentStep = false
          while (!sink.closed) {
            const { record, steps } = await runtime.executions.readProgress(id, viewer, last)
            for (const step of steps) {
              // Event ids are step sequences (not a running count) so Last-Event-ID resumes exactly.
              sink.send(step.type, toStepBody(step), step.sequence)
              last = step.sequence
              sentStep = true
            }
            if (terminalStatuses.includes(record.status)) {
              // `done` is always one past the last step, whether read fresh or resumed after
              // every step (or after `done` itself): the same event keeps the same id.
              if (!sentStep && after > 0)
                last = (await runtime.executions.readProgress(id, viewer)).steps.at(-1)?.sequence ?? 0
              sink.send(
                'done',
                {
                  execution_id: id,
                  status: record.status,
                  stop_reason: record.result?.stopReason ?? null,
                  output: record.result?.output ?? null,
                  error: record.error,
                },
                last + 1,
              )
              return
            }
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, pollMs)
              const done = () => {
                clearTimeout(timer)
                wake = undefined
                resolve()
              }
              wake = done
              sink.signal.addEventListener('abort', done, { once: true })
            })
          }
        } finally {
          await unsubscribe()
        }
      },
    })
  })
}
