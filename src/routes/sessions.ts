import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import type { ChatMessage } from '../core/execution-types.ts'
import type { SessionSummary } from '../core/ports/session-store.ts'
import { defineRoute } from '../http/define-route.ts'
import type { GatewayEnv } from '../http/gateway-env.ts'
import { errors } from '../http/openapi-schemas.ts'
import { TimestampQuerySchema, TimestampSchema, toTimestamp } from './timestamp.ts'

const SessionSchema = z
  .object({
    session_id: z.string(),
    agent_id: z.string(),
    turn_count: z.number().int(),
    message_count: z.number().int(),
    created_at: TimestampSchema,
    updated_at: TimestampSchema,
  })
  .openapi('SessionInfo')

const MessageSchema = z
  .object({
    role: z.enum(['user', 'assistant', 'tool']),
    content: z.string().optional(),
    tool_calls: z
      .array(z.object({ id: z.string(), name: z.string(), arguments: z.record(z.string(), z.unknown()) }))
      .optional(),
    tool_results: z
      .array(z.object({ call_id: z.string(), name: z.string(), content: z.string(), is_error: z.boolean() }))
      .optional(),
  })
  .openapi('SessionMessage')

function toSessionBody(session: SessionSummary): z.infer<typeof SessionSchema> {
  return {
    session_id: session.id,
    agent_id: session.agentId,
    turn_count: session.turnCount,
    message_count: session.messageCount,
    created_at: toTimestamp(session.createdAt),
    updated_at: toTimestamp(session.updatedAt),
  }
}

function toMessageBody(message: ChatMessage): z.infer<typeof MessageSchema> {
  if (message.role === 'user') return { role: 'user', content: message.content }
  if (message.role === 'assistant') {
    return {
      role: 'assistant',
      content: message.content,
      ...(message.toolCalls?.length ? { tool_calls: message.toolCalls.map((call) => ({ ...call })) } : {}),
    }
  }
  return {
    role: 'tool',
    tool_results: message.results.map((result) => ({
      call_id: result.callId,
      name: result.name,
      content: result.content,
      is_error: result.isError,
    })),
  }
}

const SessionIdParams = z.object({
  session_id: z
    .string()
    .min(1)
    .max(128)
    .openapi({ param: { name: 'session_id', in: 'path' } }),
})

const listRoute = defineRoute(
  { id: 'sessions.list', surface: 'api', scopes: ['sessions:read'] },
  createRoute({
    operationId: 'listSessions',
    method: 'get',
    path: '/v1/sessions',
    tags: ['Sessions'],
    summary: 'List chat sessions, most recently active first',
    description: "The caller's own sessions; every caller's with `executions:read_all`, `admin` or `*`.",
    request: {
      query: z.object({
        agent_id: z.string().optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
        before: TimestampQuerySchema.optional().openapi({
          description:
            'Only sessions updated before this time (the `updated_at` of the last one seen), for paging.',
        }),
      }),
    },
    responses: {
      200: {
        description: 'Sessions',
        content: { 'application/json': { schema: z.object({ items: z.array(SessionSchema) }) } },
      },
      ...errors(401, 403, 422),
    },
  }),
)

const getRoute = defineRoute(
  { id: 'sessions.get', surface: 'api', scopes: ['sessions:read'] },
  createRoute({
    operationId: 'getSession',
    method: 'get',
    path: '/v1/sessions/{session_id}',
    tags: ['Sessions'],
    summary: 'Get a session with its recent history',
    description: "Another caller's session answers 404 unless the caller may read everyone's.",
    request: { params: SessionIdParams },
    responses: {
      200: {
        description: 'The session',
        content: {
          'application/json': {
            schema: SessionSchema.extend({ messages: z.array(MessageSchema) }).openapi('SessionDetail'),
          },
        },
      },
      ...errors(401, 403, 404),
    },
  }),
)

const deleteRoute = defineRoute(
  { id: 'sessions.delete', surface: 'api', scopes: ['sessions:manage'] },
  createRoute({
    operationId: 'deleteSession',
    method: 'delete',
    path: '/v1/sessions/{session_id}',
    tags: ['Sessions'],
    summary: 'Delete a session and its history',
    description:
      "Another caller's session answers 404, or 403 `forbidden` to a caller that may read but not change it (`executions:read_all` without `admin`).",
    request: { params: SessionIdParams },
    responses: {
      200: {
        description: 'Deleted',
        content: { 'application/json': { schema: z.object({ deleted: z.literal(true) }) } },
      },
      ...errors(401, 403, 404),
    },
  }),
)

const ConversationSchema = z
  .object({
    conversation_id: z.string().openapi({ description: 'The chat session id.' }),
    agent_id: z.string(),
    turn_count: z.number().int(),
    message_count: z.number().int(),
    created_at: TimestampSchema,
    updated_at: TimestampSchema,
  })
  .openapi('Conversation')

const ConversationIdParams = z.object({
  conversation_id: z
    .string()
    .min(1)
    .max(128)
    .openapi({ param: { name: 'conversation_id', in: 'path' } }),
})

const myConversationsRoute = defineRoute(
  { id: 'users.me.conversations', surface: 'api', scopes: ['sessions:read'] },
  createRoute({
    operationId: 'listMyConversations',
    method: 'get',
    path: '/v1/users/me/conversations',
    tags: ['Sessions'],
    summary: 'Your conversations, most recently active first',
    description:
      "The caller's own chat sessions only — administrators too (`GET /v1/sessions` lists everyone's for them). A caller without an identity has none.",
    request: {
      query: z.object({
        agent_id: z.string().optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
        before: TimestampQuerySchema.optional().openapi({
          description: 'Only conversations updated before this time, for paging.',
        }),
      }),
    },
    responses: {
      200: {
        description: 'Conversations',
        content: { 'application/json': { schema: z.object({ items: z.array(ConversationSchema) }) } },
      },
      ...errors(401, 403, 422),
    },
  }),
)

const myMessagesRoute = defineRoute(
  { id: 'users.me.conversation_messages', surface: 'api', scopes: ['sessions:read'] },
  createRoute({
    operationId: 'listMyConversationMessages',
    method: 'get',
    path: '/v1/users/me/conversations/{conversation_id}/messages',
    tags: ['Sessions'],
    summary: 'The messages of one of your conversations',
    description: "Anyone else's conversation answers 404 `session_not_found`, administrators included.",
    request: { params: ConversationIdParams },
    responses: {
      200: {
        description: 'The messages, oldest first',
        content: {
          'application/json': {
            schema: z.object({
              conversation_id: z.string(),
              agent_id: z.string(),
              items: z.array(MessageSchema),
            }),
          },
        },
      },
      ...errors(401, 403, 404),
    },
  }),
)

export function registerSessionRoutes(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(myConversationsRoute, async (c) => {
    const query = c.req.valid('query')
    const sessions = await c.var.runtime.sessions.listOwn(
      { agentId: query.agent_id, limit: query.limit, before: query.before },
      c.var.viewer,
    )
    return c.json(
      {
        items: sessions.map((session) => {
          const { session_id, ...rest } = toSessionBody(session)
          return { conversation_id: session_id, ...rest }
        }),
      },
      200,
    )
  })

  app.openapi(myMessagesRoute, async (c) => {
    const session = await c.var.runtime.sessions.getOwn(c.req.valid('param').conversation_id, c.var.viewer)
    return c.json(
      { conversation_id: session.id, agent_id: session.agentId, items: session.messages.map(toMessageBody) },
      200,
    )
  })

  app.openapi(listRoute, async (c) => {
    const query = c.req.valid('query')
    const sessions = await c.var.runtime.sessions.listVisible(
      { agentId: query.agent_id, limit: query.limit, before: query.before },
      c.var.viewer,
    )
    return c.json({ items: sessions.map(toSessionBody) }, 200)
  })

  app.openapi(getRoute, async (c) => {
    const session = await c.var.runtime.sessions.getVisible(c.req.valid('param').session_id, c.var.viewer)
    return c.json({ ...toSessionBody(session), messages: session.messages.map(toMessageBody) }, 200)
  })

  app.openapi(deleteRoute, async (c) => {
    const id = c.req.valid('param').session_id
    await c.var.runtime.sessions.delete(id, c.var.viewer)
    await c.var.runtime.audit.record({
      eventType: 'session.deleted',
      actor: c.var.principal?.id ?? null,
      resourceType: 'session',
      resourceId: id,
      ipAddress: c.var.origin.clientIp ?? null,
    })
    return c.json({ deleted: true as const }, 200)
  })
}
