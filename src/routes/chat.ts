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
import { toChatBody } from '../http/run-wire.ts'
import { sseErrorResponse, streamRunResponse } from '../http/stream-run-response.ts'
import { AgentIdParams } from './agents.ts'
import { claimIdempotencyKey, IdempotencyKeyHeaders, replayResponse } from './idempotent-request.ts'

const ChatRequestSchema = z
  .object({
    message: z.string().min(1).max(maxMessageChars),
    session_id: z.string().min(1).max(128).optional().openapi({
      description: "Continue this session (the caller's own, or any with `admin` or `*`); omit to start one.",
    }),
    input: z.record(z.string(), z.unknown()).optional(),
    options: z
      .object({
        stream: z.boolean().optional().openapi({ description: 'Answer with server-sent events.' }),
        timeout_ms: z.number().int().min(1000).max(300_000).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .openapi('ChatRequest')

const ChatResponseSchema = z
  .object({
    session_id: z.string(),
    execution_id: z.string(),
    agent_id: z.string(),
    status: StatusSchema,
    stop_reason: StopReasonSchema,
    result: ResultSchema,
    usage: UsageSchema,
    error: RunErrorSchema,
    turn_count: z.number().int(),
  })
  .openapi('ChatResponse')

const chatRoute = defineRoute(
  { id: 'agents.chat', surface: 'api', scopes: ['agents:invoke'] },
  createRoute({
    operationId: 'chatWithAgent',
    method: 'post',
    path: '/v1/agents/{agent_id}/chat',
    tags: ['Chat'],
    summary: 'Send a chat turn',
    description: 'Runs one turn of a multi-turn conversation. The returned `session_id` continues it.',
    request: {
      params: AgentIdParams,
      headers: IdempotencyKeyHeaders,
      body: { required: true, content: { 'application/json': { schema: ChatRequestSchema } } },
    },
    responses: {
      200: {
        description: 'The turn finished',
        content: { 'application/json': { schema: ChatResponseSchema }, ...sseContent },
      },
      ...errors(400, 401, 403, 404, 409, 413, 422, 503),
    },
  }),
)

export function registerChatRoutes(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(chatRoute, async (c) => {
    const runtime = c.get('runtime')
    const agentId = c.req.valid('param').agent_id
    const body = c.req.valid('json')
    const options = body.options ?? {}
    const input = body.input ?? {}
    try {
      await runtime.runner.prepare(agentId, input, c.var.viewer)
      // Checked before the stream starts, so a refused session gets its own status code.
      if (body.session_id) await runtime.sessions.getContinuable(body.session_id, agentId, c.var.viewer)
    } catch (error) {
      if (options.stream && GatewayError.isInstance(error))
        return sseErrorResponse(c, error, body.session_id ?? null)
      throw error
    }
    const claim = await claimIdempotencyKey(c, { route: 'agents.chat', agentId, body })
    if (claim?.kind === 'replay') {
      return replayResponse(c, claim.executionId, {
        kind: 'chat',
        queued: false,
        stream: options.stream === true,
      })
    }
    const runOptions = {
      input,
      timeoutMs: options.timeout_ms,
      sessionId: body.session_id,
      signal: c.req.raw.signal,
      viewer: c.var.viewer,
      requestId: c.var.requestId,
      executionId: claim?.executionId,
    }
    if (options.stream) {
      return streamRunResponse(c, runtime.runner, {
        kind: 'chat',
        agentId,
        message: body.message,
        options: runOptions,
      })
    }
    const outcome = await runtime.runner.chat(agentId, body.message, runOptions)
    return c.json(toChatBody(outcome), 200)
  })
}
