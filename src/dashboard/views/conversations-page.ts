import type { Context } from 'hono'
import { html } from 'hono/html'
import type { ChatMessage } from '../../core/execution-types.ts'
import type { ExecutionRecord } from '../../core/ports/execution-store.ts'
import type { SessionRecord, SessionSummary } from '../../core/ports/session-store.ts'
import type { GatewayEnv } from '../../http/gateway-env.ts'
import { url } from '../../http/url.ts'
import { statusBadge } from './executions-page.ts'
import { formatCost, formatTime } from './format.ts'
import type { Html } from './layout.ts'

/** The conversations list: the user's own, or everyone's for admins. */
export function conversationsBody(
  c: Context<GatewayEnv>,
  sessions: SessionSummary[],
  showOwner: boolean,
): Html {
  const rows = sessions.map(
    (session) => html`<tr>
      <td><a href="${url(c, `/dashboard/conversations/${encodeURIComponent(session.id)}`)}">${session.title ?? session.id}</a></td>
      <td>${session.agentId}</td>
      <td>${session.turnCount}</td>
      <td>${formatTime(session.updatedAt)}</td>
      ${showOwner ? html`<td><code>${session.ownerId ?? 'anonymous'}</code></td>` : ''}
    </tr>`,
  )
  return html`<header class="page-head"><h1>Conversations</h1></header>
    <table class="table" data-testid="conversations-table">
      <thead><tr><th>Conversation</th><th>Agent</th><th>Turns</th><th>Updated (UTC)</th>${showOwner ? html`<th>Owner</th>` : ''}</tr></thead>
      <tbody>${rows.length > 0 ? rows : html`<tr><td colspan="5" class="muted">No conversations yet.</td></tr>`}</tbody>
    </table>`
}

function messageView(message: ChatMessage): Html {
  if (message.role === 'user')
    return html`<div class="message user"><div class="message-body">${message.content}</div></div>`
  if (message.role === 'assistant')
    return html`<div class="message assistant">
      ${(message.toolCalls ?? []).map((call) => html`<div class="tool-call"><code>${call.name}</code> <span class="muted">${JSON.stringify(call.arguments)}</span></div>`)}
      ${message.content ? html`<div class="message-body">${message.content}</div>` : ''}
    </div>`
  return html`<div class="message tool">${message.results.map(
    (result) =>
      html`<div class="tool-call"><code>${result.name}</code> → <span class="muted">${result.content.slice(0, 500)}</span></div>`,
  )}</div>`
}

/** One conversation: its messages and the executions of its turns. */
export function conversationBody(
  c: Context<GatewayEnv>,
  session: SessionRecord,
  executions: ExecutionRecord[],
  canContinue: boolean,
): Html {
  const cost = executions.reduce((sum, record) => sum + (record.usage?.costUsd ?? 0), 0)
  return html`<header class="page-head">
      <h1>${session.title ?? 'Conversation'}</h1>
      ${
        canContinue
          ? html`<a class="button primary" href="${url(c, `/dashboard/chat?agent_id=${encodeURIComponent(session.agentId)}&session_id=${encodeURIComponent(session.id)}`)}">Continue in chat</a>`
          : ''
      }
    </header>
    <p class="muted"><code>${session.id}</code> · ${session.agentId} · ${session.turnCount} turns · ${formatCost(cost)} · owner <code>${session.ownerId ?? 'anonymous'}</code></p>
    <section class="card messages">${session.messages.map(messageView)}</section>
    <section class="card">
      <h2>Executions</h2>
      <ul class="plain">${executions.map(
        (record) =>
          html`<li><a href="${url(c, `/dashboard/executions/${encodeURIComponent(record.id)}`)}"><code>${record.id}</code></a> ${statusBadge(record.status)} ${formatTime(record.createdAt)}</li>`,
      )}</ul>
    </section>`
}
