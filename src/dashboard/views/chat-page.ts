import type { Context } from 'hono'
import { html } from 'hono/html'
import type { ChatMessage } from '../../core/execution-types.ts'
import type { AgentDefinition } from '../../core/workspace/model.ts'
import type { GatewayEnv } from '../../http/gateway-env.ts'
import { url } from '../../http/url.ts'
import { icon } from './icons.ts'
import type { Html } from './layout.ts'

export interface ChatPageOptions {
  agents: AgentDefinition[]
  agent: AgentDefinition | undefined
  sessionId: string | undefined
  history: ChatMessage[]
}

/** A stored message as a chat bubble; assistant text is rendered as sanitized Markdown by chat.js. */
function bubble(message: ChatMessage): Html | '' {
  if (message.role === 'user')
    return html`<div class="message user"><div class="message-body">${message.content}</div></div>`
  if (message.role === 'assistant') {
    const tools = (message.toolCalls ?? []).map(
      (call) =>
        html`<div class="tool-call">${icon('tool')}<code>${call.name}</code> <span class="muted">${JSON.stringify(call.arguments)}</span></div>`,
    )
    return html`<div class="message assistant">${tools}${message.content ? html`<div class="message-body markdown" data-markdown>${message.content}</div>` : ''}</div>`
  }
  return ''
}

/** The chat page: agent picker, history, and the composer that streams the answer (chat.js). */
export function chatBody(c: Context<GatewayEnv>, options: ChatPageOptions): Html {
  const { agent } = options
  return html`<header class="page-head">
      <h1>Chat</h1>
      <form method="get" action="${url(c, '/dashboard/chat')}" class="inline-form" data-auto-submit>
        <label>Agent
          <select name="agent_id" data-testid="agent-picker">
            ${options.agents.map(
              (candidate) =>
                html`<option value="${candidate.id}" ${candidate.id === agent?.id ? 'selected' : ''}>${candidate.displayName ?? candidate.id}</option>`,
            )}
          </select>
        </label>
        <noscript><button type="submit" class="button">Open</button></noscript>
      </form>
    </header>
    ${
      agent
        ? html`<section class="chat" id="chat" data-agent-id="${agent.id}" data-session-id="${options.sessionId ?? ''}">
            <div class="messages" id="messages" data-testid="messages">
              ${options.history.length === 0 ? html`<p class="muted empty-chat">Ask ${agent.displayName ?? agent.id} something.</p>` : options.history.map(bubble)}
            </div>
            <p class="alert hidden" id="chat-error" role="alert"></p>
            <form class="composer" id="composer">
              <textarea name="message" rows="2" placeholder="Message ${agent.displayName ?? agent.id}… (Enter to send, Shift+Enter for a new line)" required data-testid="chat-input"></textarea>
              <button type="submit" class="button primary" data-testid="chat-send">${icon('send')}<span>Send</span></button>
              <span class="spinner hidden" id="chat-spinner" data-testid="chat-spinner" aria-label="Waiting for the answer"></span>
            </form>
            <p class="muted session-line">Session: <code id="session-id" data-testid="session-id">${options.sessionId ?? 'new'}</code>
              · <a href="${url(c, `/dashboard/chat?agent_id=${encodeURIComponent(agent.id)}`)}">New conversation</a></p>
          </section>`
        : html`<p class="empty-state">No agent is enabled.</p>`
    }`
}
