import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import { GatewayError } from '../core/errors.ts'
import { defineRoute } from '../http/define-route.ts'
import type { GatewayEnv } from '../http/gateway-env.ts'
import { errors } from '../http/openapi-schemas.ts'
import {
  maxMessageChars,
  ResultSchema,
  RunErrorSchema,
  StatusSchema,
  StopReasonSchema,
  sseContent,
  UsageSchema,
} from '../http/run-schemas.ts'
import { toRunBody } from '../http/run-wire.ts'
import { sseErrorResponse, streamRunResponse } from '../http/stream-run-response.ts'
import { AgentIdParams } from './agents.ts'
import {
  claimIdempotencyKey,
  IdempotencyKeyHeaders,
  queuedResponse,
  replayResponse,
} from './idempotent-request.ts'

export const InvokeRequestSchema = z
  .object({
    message: z.string().min(1).max(maxMessageChars),
    input: z
      .record(z.string(), z.unknown())
      .optional()
      .openapi({ description: "Structured input, checked against the agent's input_schema." }),
    options: z
      .object({
        async: z.boolean().optional().openapi({
          description:
            'Queue the run and answer 202 at once (always on for agents with execution_mode async).',
        }),
        stream: z.boolean().optional().openapi({ description: 'Answer with server-sent events.' }),
        timeout_ms: z.number().int().min(1000).max(300_000).optional(),
        output_schema: z
          .record(z.string(), z.unknown())
          .optional()
          .openapi({ description: "A JSON Schema for this call's output, instead of the agent's." }),
      })
      .strict()
      .optional(),
  })
  .strict()
  .openapi('InvokeRequest')

export const InvokeResponseSchema = z
  .object({
    execution_id: z.string(),
    agent_id: z.string(),
    status: StatusSchema,
    stop_reason: StopReasonSchema,
    result: ResultSchema,
    usage: UsageSchema,
    error: RunErrorSchema,
  })
  .openapi('InvokeResponse')

const invokeRoute = defineRoute(
  { id: 'agents.invoke', surface: 'api', scopes: ['agents:invoke'] },
  createRoute({
    operationId: 'invokeAgent',
    method: 'post',
    path: '/v1/agents/{agent_id}/invoke',
    tags: ['Agents'],
    summary: 'Run an agent once',
    description:
      'Runs the agent and returns its result. A run that fails, times out or hits a guardrail still answers 200 with `status` and `error`; request problems use the error envelope.',
    request: {
      params: AgentIdParams,
      headers: IdempotencyKeyHeaders,
      body: { required: true, content: { 'application/json': { schema: InvokeRequestSchema } } },
    },
    responses: {
      202: {
        description:
          'Queued (async); poll `poll_url` or stream `events_url`. `Location` has the absolute URL.',
        content: {
          'application/json': {
            schema: z
              .object({
                execution_id: z.string(),
                agent_id: z.string(),
                status: z.literal('queued'),
                poll_url: z.string(),
                events_url: z.string(),
              })
              .openapi('QueuedExecution'),
          },
        },
      },
      200: {
        description: 'The run finished',
        content: { 'application/json': { schema: InvokeResponseSchema }, ...sseContent },
      },
      ...errors(400, 401, 403, 404, 409, 413, 422, 503),
    },
  }),
)

export function registerInvokeRoutes(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(invokeRoute, async (c) => {
    const runtime = c.get('runtime')
    const agentId = c.req.valid('param').agent_id
    const body = c.req.valid('json')
    const options = body.options ?? {}
    const input = body.input ?? {}
    let queued = false
    try {
      const agent = await runtime.runner.prepare(agentId, input, c.var.viewer)
      queued = options.async === true || agent.executionMode === 'async'
      if (queued && options.stream) {
        throw new GatewayError('streaming_not_supported', {
          message: 'Queued executions do not stream; follow GET /v1/executions/{id}/events instead.',
        })
      }
      if (options.output_schema) {
        const problem = runtime.validator.check(options.output_schema)
        if (problem) {
          throw new GatewayError('validation_failed', {
            message: 'options.output_schema is not a valid JSON Schema.',
            details: [{ path: '/body/options/output_schema', message: problem }],
          })
        }
      }
    } catch (error) {
      // A request that can stream but fails first gets `error` + `done` events, so a stream
      // reader always sees an end; one that cannot stream at all gets the JSON envelope.
      const canStream = !(GatewayError.isInstance(error) && error.code === 'streaming_not_supported')
      if (options.stream && canStream && GatewayError.isInstance(error)) return sseErrorResponse(c, error)
      throw error
    }
    const claim = await claimIdempotencyKey(c, { route: 'agents.invoke', agentId, body })
    if (claim?.kind === 'replay') {
      return replayResponse(c, claim.executionId, { kind: 'invoke', queued, stream: options.stream === true })
    }
    if (queued) {
      const record = await runtime.executions.submit({
        executionId: claim?.executionId,
        agentId,
        message: body.message,
        input,
        timeoutMs: options.timeout_ms,
        outputSchema: options.output_schema,
        viewer: c.var.viewer,
      })
      return queuedResponse(c, record)
    }
    const runOptions = {
      input,
      timeoutMs: options.timeout_ms,
      outputSchema: options.output_schema,
      signal: c.req.raw.signal,
      viewer: c.var.viewer,
      executionId: claim?.executionId,
      requestId: c.var.requestId,
    }
    if (options.stream) {
      return streamRunResponse(c, runtime.runner, {
        kind: 'invoke',
        agentId,
        message: body.message,
        options: runOptions,
      })
    }
    const outcome = await runtime.runner.invoke(agentId, body.message, runOptions)
    return c.json(toRunBody(outcome), 200)
  })
}
