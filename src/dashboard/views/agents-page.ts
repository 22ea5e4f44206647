import type { Context } from 'hono'
import { html } from 'hono/html'
import type { AgentDefinition } from '../../core/workspace/model.ts'
import type { GatewayEnv } from '../../http/gateway-env.ts'
import { url } from '../../http/url.ts'
import type { DashboardUser } from '../dashboard-user.ts'
import type { Html } from './layout.ts'

export type AgentStatus = 'online' | 'busy' | 'disabled'

export interface AgentCardOptions {
  agent: AgentDefinition
  status: AgentStatus
  /** The model it runs on (`provider:model`), with the gateway default applied. */
  model: string
  user: DashboardUser
  /** For a personal agent: whether this user has set it up. */
  setup?: 'required' | 'configured' | undefined
  /** Shown in the edit form after a refused change. */
  error?: string | undefined
}

const statusLabels: Record<AgentStatus, string> = { online: 'online', busy: 'busy', disabled: 'disabled' }

/** One agent card; admins get enable/disable and an edit form (htmx swaps the card in place). */
export function agentCard(c: Context<GatewayEnv>, options: AgentCardOptions): Html {
  const { agent, status, user } = options
  const base = `/dashboard/agents/${encodeURIComponent(agent.id)}`
  const target = `#agent-${agent.id}`
  return html`<article class="card agent-card" id="agent-${agent.id}" data-agent="${agent.id}">
    <header class="agent-head">
      <div>
        <h2>${agent.displayName ?? agent.id}</h2>
        ${agent.displayName ? html`<code class="muted">${agent.id}</code>` : ''}
      </div>
      <span class="status status-${status}" data-testid="agent-status">${statusLabels[status]}</span>
    </header>
    ${
      options.setup
        ? html`<p><span class="tag">personal</span>
            <span class="status ${options.setup === 'configured' ? 'status-online' : 'status-busy'}" data-testid="setup-badge"
              >${options.setup === 'configured' ? 'configured' : 'setup required'}</span
            ></p>`
        : ''
    }
    <p class="agent-description">${agent.description || `Agent: ${agent.id}`}</p>
    <dl class="facts">
      <dt>Model</dt><dd><code>${options.model}</code></dd>
      <dt>Mode</dt><dd>${agent.executionMode}</dd>
      ${agent.tags.length > 0 ? html`<dt>Tags</dt><dd>${agent.tags.map((tag) => html`<span class="tag">${tag}</span>`)}</dd>` : ''}
    </dl>
    <footer class="card-actions">
      ${agent.enabled && options.setup !== 'required' ? html`<a class="button" href="${url(c, `/dashboard/chat?agent_id=${encodeURIComponent(agent.id)}`)}">Chat</a>` : ''}
      ${options.setup ? html`<a class="button${options.setup === 'required' ? ' primary' : ''}" data-testid="setup-link" href="${url(c, `${base}/setup`)}">${options.setup === 'required' ? 'Set up' : 'Edit setup'}</a>` : ''}
      ${
        user.role === 'admin'
          ? html`<form method="post" action="${url(c, `${base}/toggle`)}" hx-post="${url(c, `${base}/toggle`)}" hx-target="${target}" hx-swap="outerHTML">
                <input type="hidden" name="_csrf" value="${user.csrfToken}" />
                <button type="submit" class="button" data-testid="toggle-agent">${agent.enabled ? 'Disable' : 'Enable'}</button>
              </form>
              <details class="edit" ${options.error ? 'open' : ''}>
                <summary class="button">Edit</summary>
                <form method="post" action="${url(c, `${base}/edit`)}" hx-post="${url(c, `${base}/edit`)}" hx-target="${target}" hx-swap="outerHTML" class="stack">
                  <input type="hidden" name="_csrf" value="${user.csrfToken}" />
                  ${options.error ? html`<p class="alert">${options.error}</p>` : ''}
                  <label>Description <textarea name="description" rows="3">${agent.description}</textarea></label>
                  <label>Model <input name="model" value="${options.model}" /></label>
                  <label>Execution mode
                    <select name="execution_mode">
                      <option value="sync" ${agent.executionMode === 'sync' ? 'selected' : ''}>sync</option>
                      <option value="async" ${agent.executionMode === 'async' ? 'selected' : ''}>async</option>
                    </select>
                  </label>
                  <button type="submit" class="button primary">Save</button>
                </form>
              </details>`
          : ''
      }
    </footer>
  </article>`
}

/** The agents page body: a grid of cards. */
export function agentsBody(cards: Html[]): Html {
  return html`<header class="page-head"><h1>Agents</h1></header>
    <section class="grid" id="agent-grid">${cards}</section>`
}
