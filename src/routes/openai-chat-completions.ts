import { createHash } from 'node:crypto'
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { ownerIdOf } from '../core/authorization.ts'
import { GatewayError } from '../core/errors.ts'
import { terminalStatuses } from '../core/execution-types.ts'
import { defineRoute } from '../http/define-route.ts'
import type { GatewayEnv } from '../http/gateway-env.ts'
import { responseFormatSchema, runFailure, toCompletion, toConversation } from '../http/openai-wire.ts'
import { maxMessageChars } from '../http/run-schemas.ts'
import { type CompletionRun, streamCompletion } from '../http/stream-completion.ts'
import type { RunOutcome } from '../services/agent-runner.ts'
import { outcomeOfRecord } from '../services/executions/idempotency.ts'
import { claimIdempotencyKey, IdempotencyKeyHeaders } from './idempotent-request.ts'
import { openAIErrors } from './openai-schemas.ts'

/** The header that continues a durable session (the id comes back in the same header). */
export const sessionHeader = 'X-Session-Id'

const TextPart = z.looseObject({ type: z.string(), text: z.string().max(maxMessageChars).optional() })

const MessageSchema = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  content: z.union([z.string().max(maxMessageChars), z.array(TextPart).max(100)]).nullish(),
  tool_calls: z
    .array(
      z.looseObject({
        id: z.string().max(256),
        function: z.looseObject({ name: z.string().max(256), arguments: z.string().max(maxMessageChars) }),
      }),
    )
    .max(128)
    .optional(),
  tool_call_id: z.string().max(256).optional(),
})

const ResponseFormatSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    json_schema: z.looseObject({
      name: z.string().max(128),
      schema: z.record(z.string(), z.unknown()).optional(),
    }),
  }),
])

const ChatCompletionRequestSchema = z
  .looseObject({
    model: z.string().min(1).max(128).openapi({ description: 'The agent id.' }),
    messages: z.array(MessageSchema).min(1).max(1000),
    stream: z.boolean().nullish(),
    stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
    user: z.string().min(1).max(256).optional().openapi({
      description:
        'Continues one durable session per caller, agent and `user` value (started on first use), unless the `X-Session-Id` header names a session.',
    }),
    response_format: ResponseFormatSchema.nullish(),
    n: z.literal(1).nullish().openapi({ description: 'Only one choice is produced.' }),
    tools: z.array(z.unknown()).max(0).optional().openapi({
      description: "Not supported: the agent's own tools run on the server. Send none (or an empty list).",
    }),
    input: z.record(z.string(), z.unknown()).optional().openapi({
      description: "An agentgw addition: structured input, checked against the agent's input_schema.",
    }),
  })
  .openapi('ChatCompletionRequest')

const UsageSchema = z.object({
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  total_tokens: z.number().int(),
})

const ChatCompletionSchema = z
  .object({
    id: z.string().openapi({ description: 'The execution id (`GET /v1/executions/{id}` has its trace).' }),
    object: z.literal('chat.completion'),
    created: z.number().int(),
    model: z.string(),
    choices: z.array(
      z.object({
        index: z.number().int(),
        message: z.object({ role: z.literal('assistant'), content: z.string(), refusal: z.null() }),
        finish_reason: z.enum(['stop', 'length']),
        logprobs: z.null(),
      }),
    ),
    usage: UsageSchema,
  })
  .openapi('ChatCompletion')

const chatCompletionsRoute = defineRoute(
  { id: 'openai.chat.completions', surface: 'api', scopes: ['agents:invoke'], errorFormat: 'openai' },
  createRoute({
    operationId: 'createChatCompletion',
    method: 'post',
    path: '/v1/chat/completions',
    tags: ['OpenAI compatible'],
    summary: 'Run an agent as an OpenAI chat completion',
    description:
      "OpenAI's chat completions wire format: `model` is the agent id, the last message is the turn. Streams `chat.completion.chunk` events ending in `data: [DONE]` when `stream` is true. Errors use OpenAI's error shape. See docs/openai-compatibility.md.",
    request: {
      headers: IdempotencyKeyHeaders.extend({
        'x-session-id': z.string().min(1).max(128).optional().openapi({
          description:
            'Continue this session (from an earlier response header) instead of using only the messages.',
        }),
      }),
      body: { required: true, content: { 'application/json': { schema: ChatCompletionRequestSchema } } },
    },
    responses: {
      200: {
        description: 'The completion (or a `text/event-stream` of `chat.completion.chunk` frames)',
        headers: z.object({
          'X-Execution-Id': z.string().openapi({ description: 'The execution of this run.' }),
          'X-Session-Id': z.string().optional().openapi({ description: 'The session, when one is used.' }),
        }),
        content: {
          'application/json': { schema: ChatCompletionSchema },
          'text/event-stream': { schema: z.string() },
        },
      },
      ...openAIErrors(400, 401, 403, 404, 409, 413, 422, 500, 502, 503, 504),
    },
  }),
)

/** A session keyed by the caller, the agent and OpenAI's `user`: the same on every instance. */
function userSessionId(c: Context<GatewayEnv>, agentId: string, user: string): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([ownerIdOf(c.get('viewer')), agentId, user]))
    .digest('hex')
  return `sess_u${digest.slice(0, 31)}`
}

/** The JSON answer of a finished run (first answer and replays alike). */
function completionResponse(
  c: Context<GatewayEnv>,
  outcome: RunOutcome & { sessionId?: string },
  options: { model: string; structured: boolean },
): Response {
  c.header('X-Execution-Id', outcome.executionId)
  if (typeof outcome.sessionId === 'string' && outcome.sessionId) c.header(sessionHeader, outcome.sessionId)
  const failure = runFailure(outcome.result, outcome.executionId)
  if (failure) throw failure
  return c.json(toCompletion(outcome, options), 200)
}

/** How long a retried request waits for the original run, and how often it looks. */
const replayWaitMs = 10 * 60_000
const replayPollMs = 200

/**
 * The answer to a request retried with the same `Idempotency-Key`: the original execution's
 * completion, once it finished (waiting for it while it runs); a retried stream whose run is
 * still going is 409 `idempotency_key_in_use`. Streams replay the answer in one content chunk.
 */
async function replayCompletion(
  c: Context<GatewayEnv>,
  executionId: string,
  options: { model: string; stream: boolean; includeUsage: boolean },
): Promise<Response> {
  const runtime = c.get('runtime')
  const viewer = c.get('viewer')
  let record = await runtime.executions.getVisible(executionId, viewer)
  const deadline = Date.now() + replayWaitMs
  while (!terminalStatuses.includes(record.status)) {
    if (options.stream || Date.now() > deadline || c.req.raw.signal.aborted) {
      throw new GatewayError('idempotency_key_in_use', {
        message: `The request with this Idempotency-Key is still running as execution ${executionId}.`,
        executionId,
      })
    }
    await new Promise((resolve) => setTimeout(resolve, replayPollMs))
    record = await runtime.executions.getVisible(executionId, viewer)
  }
  const outcome = { ...outcomeOfRecord(record), sessionId: record.sessionId ?? undefined }
  const structured = record.options.outputSchema !== null && record.options.outputSchema !== undefined
  c.header('Idempotent-Replayed', 'true')
  if (!options.stream) return completionResponse(c, outcome, { model: options.model, structured })
  const response = streamCompletion(
    c,
    async (hooks) => {
      hooks.onStart?.({ executionId, sessionId: outcome.sessionId })
      return outcome
    },
    { model: options.model, structured, includeUsage: options.includeUsage, replayed: true },
  )
  response.headers.set('Idempotent-Replayed', 'true')
  return response
}

export function registerOpenAIChatRoutes(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(chatCompletionsRoute, async (c) => {
    const runtime = c.get('runtime')
    const body = c.req.valid('json')
    const viewer = c.get('viewer')
    const conversation = toConversation(body.messages)
    if (!conversation.message.trim()) {
      throw new GatewayError('validation_failed', {
        details: [
          { path: `/body/messages/${body.messages.length - 1}/content`, message: 'must not be empty' },
        ],
      })
    }
    const input = body.input ?? {}
    const agent = await runtime.runner.prepare(body.model, input, viewer)
    const requested = responseFormatSchema(body.response_format)
    if (requested) {
      const problem = runtime.validator.check(requested)
      if (problem) {
        throw new GatewayError('validation_failed', {
          message: 'response_format.json_schema.schema is not a valid JSON Schema.',
          details: [{ path: '/body/response_format/json_schema/schema', message: problem }],
        })
      }
    }
    const outputSchema = requested ?? agent.outputSchema ?? undefined
    const headerSession = c.req.valid('header')['x-session-id']
    const sessionId = headerSession ?? (body.user ? userSessionId(c, agent.id, body.user) : undefined)
    // A named session is checked before anything runs, so refusals keep their own status.
    if (headerSession) await runtime.sessions.getContinuable(headerSession, agent.id, viewer)

    const claim = await claimIdempotencyKey(c, {
      route: 'openai.chat.completions',
      body,
      sessionId: headerSession ?? null,
    })
    if (claim?.kind === 'replay') {
      return replayCompletion(c, claim.executionId, {
        model: agent.id,
        stream: body.stream === true,
        includeUsage: body.stream_options?.include_usage === true,
      })
    }
    const run: CompletionRun = (hooks) => {
      const common = {
        executionId: claim?.executionId,
        input,
        outputSchema,
        instructions: conversation.instructions,
        viewer,
        requestId: c.var.requestId,
        signal: hooks.signal,
        onStart: hooks.onStart,
        onEvent: hooks.onEvent,
      }
      return sessionId
        ? runtime.runner.chat(agent.id, conversation.message, {
            ...common,
            sessionId,
            createSession: headerSession === undefined,
          })
        : runtime.runner.invoke(agent.id, conversation.message, { ...common, history: conversation.history })
    }
    const model = agent.id
    const structured = outputSchema !== undefined
    if (body.stream) {
      return streamCompletion(c, run, {
        replayed: false,
        model,
        structured,
        includeUsage: body.stream_options?.include_usage === true,
      })
    }
    const outcome = await run({ signal: c.req.raw.signal })
    return completionResponse(c, outcome, { model, structured })
  })
}
