import type { OpenAPIHono } from '@hono/zod-openapi'
import { GatewayError } from '../../core/errors.ts'
import type { ChatMessage } from '../../core/execution-types.ts'
import type { GatewayEnv } from '../../http/gateway-env.ts'
import type { RouteTable } from '../../http/route-table.ts'
import { maxMessageChars } from '../../http/run-schemas.ts'
import { sseErrorResponse, streamRunResponse } from '../../http/stream-run-response.ts'
import { addDashboardRoute } from '../dashboard-route.ts'
import type { DashboardUser } from '../dashboard-user.ts'
import { chatBody } from '../views/chat-page.ts'
import { renderPage } from '../views/layout.ts'

function readChatBody(value: unknown): { agentId: string; message: string; sessionId: string | undefined } {
  const body = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>
  const { agent_id: agentId, message, session_id: sessionId } = body
  if (typeof agentId !== 'string' || agentId === '')
    throw new GatewayError('validation_failed', { message: 'Pick an agent.' })
  if (typeof message !== 'string' || message.trim() === '' || message.length > maxMessageChars)
    throw new GatewayError('validation_failed', { message: 'Write a message (at most 100 KiB).' })
  if (sessionId !== undefined && sessionId !== null && sessionId !== '' && typeof sessionId !== 'string')
    throw new GatewayError('validation_failed', { message: 'The session id is invalid.' })
  return {
    agentId,
    message,
    sessionId: typeof sessionId === 'string' && sessionId !== '' ? sessionId : undefined,
  }
}

/**
 * `GET /dashboard/chat` (picker, history of a continued session) and `POST /dashboard/chat/stream`:
 * the same SSE stream as the API's chat, run as the signed-in user's principal, so the
 * execution and the session are theirs. Problems before the run still come as `error` + `done`.
 */
export function registerChatRoutes(app: OpenAPIHono<GatewayEnv>, table: RouteTable): void {
  addDashboardRoute(
    app,
    table,
    { id: 'dashboard.chat', method: 'GET', path: '/dashboard/chat', access: 'user' },
    async (c, request) => {
      const user = request.user as DashboardUser
      const runtime = c.var.runtime
      const agents = (await runtime.agents.list()).filter((agent) => agent.enabled)
      const wanted = c.req.query('agent_id')
      const agent = agents.find((candidate) => candidate.id === wanted) ?? agents[0]
      let sessionId = c.req.query('session_id') || undefined
      let history: ChatMessage[] = []
      if (agent && sessionId) {
        try {
          history = (await runtime.sessions.getContinuable(sessionId, agent.id, user.viewer)).messages
        } catch (error) {
          if (!GatewayError.isInstance(error)) throw error
          sessionId = undefined
        }
      }
      return c.html(
        renderPage(c, {
          user,
          title: 'Chat',
          active: 'chat',
          body: chatBody(c, { agents, agent, sessionId, history }),
          scripts: [
            '/dashboard/static/vendor/marked.js',
            '/dashboard/static/vendor/purify.js',
            '/dashboard/static/chat.js',
          ],
        }),
      )
    },
  )

  addDashboardRoute(
    app,
    table,
    { id: 'dashboard.chat_stream', method: 'POST', path: '/dashboard/chat/stream', access: 'user' },
    async (c, request) => {
      const user = request.user as DashboardUser
      const runner = c.var.runtime.runner
      let body: ReturnType<typeof readChatBody>
      try {
        body = readChatBody(await c.req.json().catch(() => undefined))
        await runner.prepare(body.agentId, {}, user.viewer)
        if (body.sessionId)
          await c.var.runtime.sessions.getContinuable(body.sessionId, body.agentId, user.viewer)
      } catch (error) {
        if (GatewayError.isInstance(error)) return sseErrorResponse(c, error, null)
        throw error
      }
      return streamRunResponse(c, runner, {
        kind: 'chat',
        agentId: body.agentId,
        message: body.message,
        options: { sessionId: body.sessionId, signal: c.req.raw.signal, viewer: user.viewer },
      })
    },
  )
}
