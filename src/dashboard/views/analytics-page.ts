import type { Context } from 'hono'
import { html } from 'hono/html'
import type { ExecutionStats } from '../../core/ports/execution-store.ts'
import type { GatewayEnv } from '../../http/gateway-env.ts'
import { url } from '../../http/url.ts'
import { barChart } from './bar-chart.ts'
import { formatCost, formatDay, formatDuration } from './format.ts'
import type { Html } from './layout.ts'

export const analyticsPeriods = [7, 30, 90] as const

function stat(label: string, value: string, testId: string): Html {
  return html`<div class="card stat"><div class="stat-value" data-testid="${testId}">${value}</div><div class="muted">${label}</div></div>`
}

/** Totals, success rate, and executions and cost per day and per agent, over the chosen period. */
export function analyticsBody(c: Context<GatewayEnv>, stats: ExecutionStats, days: number): Html {
  const successRate = stats.total > 0 ? `${((stats.completed / stats.total) * 100).toFixed(1)}%` : '—'
  const count = (value: number) => String(value)
  return html`<header class="page-head">
      <h1>Analytics</h1>
      <nav class="tabs">
        ${analyticsPeriods.map(
          (period) =>
            html`<a class="tab${period === days ? ' active' : ''}" href="${url(c, `/dashboard/analytics?days=${period}`)}">${period} days</a>`,
        )}
      </nav>
    </header>
    <section class="stats">
      ${stat('Executions', String(stats.total), 'stat-executions')}
      ${stat('Success rate', successRate, 'stat-success')}
      ${stat('Failed', String(stats.failed), 'stat-failed')}
      ${stat('Total cost', formatCost(stats.costUsd), 'stat-cost')}
      ${stat('Average duration', formatDuration(stats.averageDurationMs), 'stat-duration')}
    </section>
    <section class="charts">
      ${barChart({
        title: 'Executions by day',
        bars: stats.byDay.map((entry) => ({ label: formatDay(entry.day), value: entry.executions })),
        format: count,
      })}
      ${barChart({
        title: 'Cost by day',
        bars: stats.byDay.map((entry) => ({ label: formatDay(entry.day), value: entry.costUsd })),
        format: formatCost,
      })}
      ${barChart({
        title: 'Cost by agent',
        bars: stats.byAgent.map((entry) => ({ label: entry.agentId, value: entry.costUsd })),
        format: formatCost,
      })}
      ${barChart({
        title: 'Executions by agent',
        bars: stats.byAgent.map((entry) => ({ label: entry.agentId, value: entry.executions })),
        format: count,
      })}
    </section>`
}
