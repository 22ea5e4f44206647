import type { Context } from 'hono'
import { html } from 'hono/html'
import { terminalStatuses } from '../../core/execution-types.ts'
import type { ExecutionRecord } from '../../core/ports/execution-store.ts'
import type { GatewayEnv } from '../../http/gateway-env.ts'
import { url } from '../../http/url.ts'
import { formatCost, formatDuration, formatTime } from './format.ts'
import type { Html } from './layout.ts'

export const executionStatuses = [
  'queued',
  'running',
  'awaiting_approval',
  'completed',
  'failed',
  'cancelled',
  'timeout',
] as const

/** The list filters as the form sends them (strings, `''` = unset). */
export interface ExecutionFilterForm {
  agent_id: string
  status: string
  session_id: string
  from: string
  to: string
  min_cost: string
  max_cost: string
}

export function statusBadge(status: string): Html {
  return html`<span class="status status-${status}" data-testid="execution-status">${status}</span>`
}

export function isActive(record: ExecutionRecord): boolean {
  return !terminalStatuses.includes(record.status)
}

function query(filters: ExecutionFilterForm, cursor?: string): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(filters)) if (value !== '') params.set(key, value)
  if (cursor) params.set('cursor', cursor)
  const text = params.toString()
  return text ? `?${text}` : ''
}

export interface ExecutionListOptions {
  items: ExecutionRecord[]
  /** The page shown (so the live refresh stays on it) and the next one. */
  cursor: string | undefined
  nextCursor: string | null
  filters: ExecutionFilterForm
  /** Admins see whose execution it was. */
  showPrincipal: boolean
}

/**
 * The list (a fragment htmx swaps): while any shown execution is queued or running it polls
 * itself every two seconds, so statuses update live; once all are finished the polling stops.
 */
export function executionList(c: Context<GatewayEnv>, options: ExecutionListOptions): Html {
  const self = `${url(c, '/dashboard/executions')}${query(options.filters, options.cursor)}`
  const live = options.items.some(isActive)
  const rows = options.items.map(
    (record) => html`<tr data-execution="${record.id}">
      <td><a href="${url(c, `/dashboard/executions/${encodeURIComponent(record.id)}`)}"><code>${record.id.slice(0, 18)}…</code></a></td>
      <td>${record.agentId}</td>
      <td>${statusBadge(record.status)}</td>
      <td>${record.kind}</td>
      <td>${formatTime(record.createdAt)}</td>
      <td>${formatDuration(record.completedAt !== null && record.startedAt !== null ? record.completedAt - record.startedAt : null)}</td>
      <td>${formatCost(record.usage?.costUsd)}</td>
      ${options.showPrincipal ? html`<td><code>${record.principalId ?? 'anonymous'}</code></td>` : ''}
    </tr>`,
  )
  return html`<div id="execution-list" ${live ? html`hx-get="${self}" hx-trigger="every 2s" hx-swap="outerHTML" data-live="true"` : ''}>
    <table class="table" data-testid="executions-table">
      <thead>
        <tr><th>Execution</th><th>Agent</th><th>Status</th><th>Kind</th><th>Created (UTC)</th><th>Duration</th><th>Cost</th>${options.showPrincipal ? html`<th>Principal</th>` : ''}</tr>
      </thead>
      <tbody>
        ${rows.length > 0 ? rows : html`<tr><td colspan="8" class="muted">No executions match.</td></tr>`}
      </tbody>
    </table>
    ${options.nextCursor ? html`<p><a class="button" href="${url(c, '/dashboard/executions')}${query(options.filters, options.nextCursor)}">Older executions →</a></p>` : ''}
  </div>`
}

/** The executions page: filters (agent, status, session, dates, cost) above the live list. */
export function executionsBody(
  c: Context<GatewayEnv>,
  agentIds: string[],
  list: Html,
  filters: ExecutionFilterForm,
): Html {
  const action = url(c, '/dashboard/executions')
  return html`<header class="page-head"><h1>Executions</h1></header>
    <form method="get" action="${action}" class="filters" hx-get="${action}" hx-target="#execution-list" hx-swap="outerHTML" hx-push-url="true" data-testid="execution-filters">
      <label>Agent
        <select name="agent_id">
          <option value="">All</option>
          ${agentIds.map((id) => html`<option value="${id}" ${id === filters.agent_id ? 'selected' : ''}>${id}</option>`)}
        </select>
      </label>
      <label>Status
        <select name="status">
          <option value="">All</option>
          ${executionStatuses.map((status) => html`<option value="${status}" ${status === filters.status ? 'selected' : ''}>${status}</option>`)}
        </select>
      </label>
      <label>Session <input name="session_id" value="${filters.session_id}" placeholder="sess_…" /></label>
      <label>From <input type="date" name="from" value="${filters.from}" /></label>
      <label>To <input type="date" name="to" value="${filters.to}" /></label>
      <label>Min cost <input type="number" step="any" min="0" name="min_cost" value="${filters.min_cost}" /></label>
      <label>Max cost <input type="number" step="any" min="0" name="max_cost" value="${filters.max_cost}" /></label>
      <button type="submit" class="button">Filter</button>
    </form>
    ${list}`
}
