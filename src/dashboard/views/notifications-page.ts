import type { Context } from 'hono'
import { html } from 'hono/html'
import { notificationEventTypes } from '../../core/notifications/notification-events.ts'
import type { DeliveryAttemptRecord, DeliveryRecord } from '../../core/ports/delivery-log.ts'
import type { GatewayEnv } from '../../http/gateway-env.ts'
import { url } from '../../http/url.ts'
import type { DashboardUser } from '../dashboard-user.ts'
import { formatTime } from './format.ts'
import { icon } from './icons.ts'
import type { Html } from './layout.ts'

/** The list filters as the form sends them (strings, `''` = unset). */
export interface DeliveryFilterForm {
  status: string
  channel: string
  agent_id: string
  event: string
}

export const deliveryStatuses = ['pending', 'delivered', 'dead'] as const
export const deliveryChannels = ['webhook', 'slack'] as const

function query(filters: DeliveryFilterForm, offset: number): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(filters)) if (value !== '') params.set(key, value)
  if (offset > 0) params.set('offset', String(offset))
  const text = params.toString()
  return text ? `?${text}` : ''
}

function deliveryBadge(status: string): Html {
  const look = status === 'delivered' ? 'completed' : status === 'dead' ? 'failed' : 'running'
  return html`<span class="status status-${look}" data-testid="delivery-status">${status}</span>`
}

export interface DeliveryListOptions {
  items: DeliveryRecord[]
  total: number
  offset: number
  limit: number
  filters: DeliveryFilterForm
  agentIds: string[]
}

/** The delivery log: filters (status, channel, agent, event) above a page of deliveries. */
export function notificationsBody(c: Context<GatewayEnv>, options: DeliveryListOptions): Html {
  const { filters } = options
  const action = url(c, '/dashboard/notifications')
  const select = (name: keyof DeliveryFilterForm, values: readonly string[]) =>
    html`<select name="${name}"><option value="">All</option>${values.map(
      (value) =>
        html`<option value="${value}" ${value === filters[name] ? 'selected' : ''}>${value}</option>`,
    )}</select>`
  const rows = options.items.map(
    (delivery) => html`<tr data-delivery="${delivery.id}">
      <td><a href="${url(c, `/dashboard/notifications/${encodeURIComponent(delivery.id)}`)}"><code>${delivery.id.slice(0, 16)}…</code></a></td>
      <td>${delivery.event}</td>
      <td>${delivery.channel}</td>
      <td><code>${delivery.target}</code></td>
      <td>${delivery.agentId}</td>
      <td>${deliveryBadge(delivery.status)}</td>
      <td>${delivery.attempts}</td>
      <td>${delivery.lastStatusCode ?? '–'}</td>
      <td>${formatTime(delivery.createdAt)}</td>
    </tr>`,
  )
  const next = options.offset + options.limit < options.total
  return html`<header class="page-head"><h1>Notifications</h1></header>
    <form method="get" action="${action}" class="filters" data-testid="notification-filters">
      <label>Status ${select('status', deliveryStatuses)}</label>
      <label>Channel ${select('channel', deliveryChannels)}</label>
      <label>Agent ${select('agent_id', options.agentIds)}</label>
      <label>Event ${select('event', notificationEventTypes)}</label>
      <button type="submit" class="button">Filter</button>
    </form>
    <table class="table" data-testid="notifications-table">
      <thead><tr><th>Delivery</th><th>Event</th><th>Channel</th><th>Target</th><th>Agent</th><th>Status</th><th>Attempts</th><th>Last code</th><th>Created (UTC)</th></tr></thead>
      <tbody>${rows.length > 0 ? rows : html`<tr><td colspan="9" class="muted">No deliveries match.</td></tr>`}</tbody>
    </table>
    <p class="muted">${options.total} in all</p>
    ${next ? html`<p><a class="button" href="${action}${query(filters, options.offset + options.limit)}">Older deliveries →</a></p>` : ''}`
}

function prettyBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2)
  } catch {
    return body
  }
}

/** One delivery: where it goes, its payload as sent, every attempt, and redelivery. */
export function deliveryBody(
  c: Context<GatewayEnv>,
  options: {
    delivery: DeliveryRecord
    attempts: DeliveryAttemptRecord[]
    user: DashboardUser
    canRedeliver: boolean
  },
): Html {
  const { delivery, attempts, user } = options
  const base = `/dashboard/notifications/${encodeURIComponent(delivery.id)}`
  return html`<header class="page-head">
      <h1>Delivery <code>${delivery.id}</code></h1>
      ${
        options.canRedeliver && delivery.status !== 'pending'
          ? html`<form method="post" action="${url(c, `${base}/redeliver`)}">
              <input type="hidden" name="_csrf" value="${user.csrfToken}" />
              <button type="submit" class="button" data-testid="redeliver">${icon('retry')}<span>Redeliver</span></button>
            </form>`
          : ''
      }
    </header>
    <section class="card">
      <dl class="facts">
        <dt>Status</dt><dd>${deliveryBadge(delivery.status)}</dd>
        <dt>Event</dt><dd>${delivery.event}</dd>
        <dt>Channel</dt><dd>${delivery.channel}</dd>
        <dt>Target</dt><dd><code>${delivery.target}</code></dd>
        <dt>Execution</dt><dd><a href="${url(c, `/dashboard/executions/${encodeURIComponent(delivery.executionId)}`)}"><code>${delivery.executionId}</code></a></dd>
        <dt>Attempts</dt><dd>${delivery.attempts} of ${delivery.lastAllowedAttempt}</dd>
        <dt>Next attempt</dt><dd>${delivery.nextAttemptAt === null ? '–' : formatTime(delivery.nextAttemptAt)}</dd>
        <dt>Last error</dt><dd data-testid="delivery-error">${delivery.lastError ?? '–'}</dd>
      </dl>
    </section>
    <section class="card">
      <h2>Attempts</h2>
      <table class="table" data-testid="attempts-table">
        <thead><tr><th>#</th><th>Status code</th><th>Latency</th><th>Error</th><th>At (UTC)</th></tr></thead>
        <tbody>${
          attempts.length > 0
            ? attempts.map(
                (attempt) => html`<tr>
                  <td>${attempt.attempt}</td><td>${attempt.statusCode ?? '–'}</td><td>${attempt.latencyMs} ms</td>
                  <td>${attempt.error ?? ''}</td><td>${formatTime(attempt.at)}</td>
                </tr>`,
              )
            : html`<tr><td colspan="5" class="muted">No attempts yet.</td></tr>`
        }</tbody>
      </table>
    </section>
    <section class="card">
      <h2>Payload</h2>
      <pre data-testid="delivery-payload">${prettyBody(delivery.body)}</pre>
    </section>`
}
