import type { Context } from 'hono'
import { html } from 'hono/html'
import type { GatewayEnv } from '../../http/gateway-env.ts'
import { url } from '../../http/url.ts'
import type { McpServerView } from '../../services/mcp/mcp-server-service.ts'
import type { DashboardUser } from '../dashboard-user.ts'
import type { Html } from './layout.ts'

export interface McpPageOptions {
  servers: McpServerView[]
  user: DashboardUser
  /** A message after an action (a test's outcome, a refused change). */
  notice?: { kind: 'ok' | 'error'; text: string } | undefined
}

const statusClass: Record<McpServerView['status'], string> = {
  connected: 'status-online',
  connecting: 'status-busy',
  disconnected: 'status-disabled',
  disabled: 'status-disabled',
  error: 'status-disabled',
}

/** The fields shared by the create and edit forms; credentials are write-only (blank keeps them). */
function serverFields(server: McpServerView | undefined): Html {
  const credentialHint = server ? 'Leave blank to keep the stored value.' : ''
  return html`<label>Transport
      <select name="transport">
        <option value="stdio" ${server?.transport !== 'streamable_http' ? 'selected' : ''}>stdio</option>
        <option value="streamable_http" ${server?.transport === 'streamable_http' ? 'selected' : ''}>streamable HTTP</option>
      </select>
    </label>
    <label>Command (stdio) <input name="command" value="${server?.command ?? ''}" /></label>
    <label>Arguments (stdio, one per line) <textarea name="args" rows="2">${(server?.args ?? []).join('\n')}</textarea></label>
    <label>URL (streamable HTTP) <input name="url" value="${server?.url ?? ''}" /></label>
    <label>Environment (JSON object, stored encrypted) <textarea name="env" rows="2" placeholder='{"API_TOKEN": "…"}'></textarea>
      ${server && server.envKeys.length > 0 ? html`<small class="muted">Set: ${server.envKeys.join(', ')}. ${credentialHint}</small>` : ''}</label>
    <label>Headers (JSON object, stored encrypted) <textarea name="headers" rows="2" placeholder='{"Authorization": "Bearer …"}'></textarea>
      ${server && server.headerNames.length > 0 ? html`<small class="muted">Set: ${server.headerNames.join(', ')}. ${credentialHint}</small>` : ''}</label>
    <label><input type="checkbox" name="enabled" value="true" ${server?.enabled === false ? '' : 'checked'} /> Enabled</label>`
}

function serverCard(c: Context<GatewayEnv>, server: McpServerView, user: DashboardUser): Html {
  const base = `/dashboard/mcp-servers/${encodeURIComponent(server.name)}`
  const csrf = html`<input type="hidden" name="_csrf" value="${user.csrfToken}" />`
  return html`<article class="card" id="mcp-${server.name}" data-mcp-server="${server.name}">
    <header class="agent-head">
      <div>
        <h2>${server.name}</h2>
        <code class="muted">${server.transport}</code>
        <span class="tag">${server.origin === 'config' ? 'gateway.yaml' : 'database'}</span>
      </div>
      <span class="status ${statusClass[server.status]}" data-testid="mcp-status">${server.status}</span>
    </header>
    ${server.error ? html`<p class="alert" data-testid="mcp-error">${server.error}</p>` : ''}
    <dl class="facts">
      ${server.command ? html`<dt>Command</dt><dd><code>${[server.command, ...server.args].join(' ')}</code></dd>` : ''}
      ${server.url ? html`<dt>URL</dt><dd><code>${server.url}</code></dd>` : ''}
      ${server.authType !== 'none' ? html`<dt>Auth</dt><dd>${server.authType}</dd>` : ''}
      <dt>Tools</dt><dd data-testid="mcp-tool-count">${server.tools.length}</dd>
    </dl>
    <details>
      <summary>Tools</summary>
      <ul class="tool-list" data-testid="mcp-tools">
        ${server.tools.map((tool) => html`<li><code>${tool.name}</code> <span class="muted">${tool.description}</span></li>`)}
      </ul>
    </details>
    <footer class="card-actions">
      <form method="post" action="${url(c, `${base}/test`)}">${csrf}<button type="submit" class="button" data-testid="mcp-test">Test</button></form>
      <form method="post" action="${url(c, `${base}/refresh`)}">${csrf}<button type="submit" class="button" data-testid="mcp-refresh">Refresh</button></form>
      ${
        server.origin === 'database'
          ? html`<details class="edit">
                <summary class="button">Edit</summary>
                <form method="post" action="${url(c, `${base}/edit`)}" class="stack">${csrf}${serverFields(server)}
                  <button type="submit" class="button primary" data-testid="mcp-save">Save</button>
                </form>
              </details>
              <form method="post" action="${url(c, `${base}/delete`)}">${csrf}<button type="submit" class="button" data-testid="mcp-delete">Delete</button></form>`
          : ''
      }
    </footer>
  </article>`
}

/** The MCP servers page: every server with status and tools, and a form to add one. */
export function mcpServersBody(c: Context<GatewayEnv>, options: McpPageOptions): Html {
  const { user } = options
  return html`<header class="page-head"><h1>MCP servers</h1></header>
    ${options.notice ? html`<p class="${options.notice.kind === 'error' ? 'alert' : 'notice'}" data-testid="mcp-notice">${options.notice.text}</p>` : ''}
    <details class="card" ${options.servers.length === 0 ? 'open' : ''}>
      <summary class="button primary" data-testid="mcp-add">Add a server</summary>
      <form method="post" action="${url(c, '/dashboard/mcp-servers')}" class="stack" data-testid="mcp-create-form">
        <input type="hidden" name="_csrf" value="${user.csrfToken}" />
        <label>Name <input name="name" required pattern="[a-z0-9][a-z0-9_\\-]{0,63}" /></label>
        ${serverFields(undefined)}
        <button type="submit" class="button primary" data-testid="mcp-create">Add</button>
      </form>
    </details>
    <section class="grid" id="mcp-grid">
      ${options.servers.length === 0 ? html`<p class="muted">No MCP servers yet.</p>` : options.servers.map((server) => serverCard(c, server, user))}
    </section>`
}
