import type { Context } from 'hono'
import { html } from 'hono/html'
import type { ScheduleRecord } from '../../core/ports/schedule-store.ts'
import { describeCron } from '../../core/schedules/describe-cron.ts'
import type { GatewayEnv } from '../../http/gateway-env.ts'
import { url } from '../../http/url.ts'
import type { ScheduleRun } from '../../services/schedules/create-schedule-service.ts'
import type { DashboardUser } from '../dashboard-user.ts'
import { formatTime } from './format.ts'
import type { Html } from './layout.ts'

/** What the new/edit form sends back (strings), shown again after a refusal. */
export interface ScheduleForm {
  agent_id: string
  name: string
  cron: string
  timezone: string
  message: string
}

export const emptyScheduleForm: ScheduleForm = { agent_id: '', name: '', cron: '', timezone: '', message: '' }

export function schedulePath(id: string, action = ''): string {
  return `/dashboard/schedules/${encodeURIComponent(id)}${action ? `/${action}` : ''}`
}

function enabledBadge(enabled: boolean): Html {
  return html`<span class="status status-${enabled ? 'completed' : 'disabled'}" data-testid="schedule-state">${enabled ? 'enabled' : 'paused'}</span>`
}

function cronCell(record: Pick<ScheduleRecord, 'cron'>): Html {
  const words = describeCron(record.cron)
  return html`<code>${record.cron}</code>${words !== record.cron ? html`<div class="muted" data-testid="cron-words">${words}</div>` : ''}`
}

const sourceLabel = (record: ScheduleRecord) =>
  record.source === 'workspace' ? 'workspace (AGENT.md)' : record.source === 'admin' ? 'admin' : 'user'

/** Pause/resume and trigger-now buttons for one schedule (only when the viewer may change it). */
export function scheduleActions(c: Context<GatewayEnv>, record: ScheduleRecord, user: DashboardUser): Html {
  const form = (action: string, label: string, testId: string) =>
    html`<form method="post" action="${url(c, schedulePath(record.id, action))}" class="inline-form">
      <input type="hidden" name="_csrf" value="${user.csrfToken}" />
      <button type="submit" class="button" data-testid="${testId}">${label}</button>
    </form>`
  return html`<div class="card-actions">
    ${record.enabled ? form('pause', 'Pause', 'schedule-pause') : form('resume', 'Resume', 'schedule-resume')}
    ${form('trigger', 'Trigger now', 'schedule-trigger')}
  </div>`
}

function scheduleFields(options: { form: ScheduleForm; agentIds?: string[] }): Html {
  const { form } = options
  return html`${
    options.agentIds
      ? html`<label>Agent <select name="agent_id" required>${options.agentIds.map(
          (id) => html`<option value="${id}" ${id === form.agent_id ? 'selected' : ''}>${id}</option>`,
        )}</select></label>
        <label>Name <input name="name" required pattern="[A-Za-z0-9_.\\-]{1,64}" value="${form.name}" /></label>`
      : ''
  }
    <label>Cron <input name="cron" required value="${form.cron}" placeholder="0 9 * * 1-5" /></label>
    <label>Time zone <input name="timezone" value="${form.timezone}" placeholder="gateway default" /></label>
    <label>Message <textarea name="message" required rows="3">${form.message}</textarea></label>`
}

export interface SchedulesListOptions {
  items: ScheduleRecord[]
  user: DashboardUser
  agentIds: string[]
  /** Whether the viewer may change each schedule (through the one policy). */
  canChange: (record: ScheduleRecord) => boolean
  form: ScheduleForm
  error?: string | undefined
}

/** Every schedule the viewer may see (admins: all; users: their own), with actions and a new-schedule form. */
export function schedulesBody(c: Context<GatewayEnv>, options: SchedulesListOptions): Html {
  const { user } = options
  const title = user.role === 'admin' ? 'Schedules' : 'My schedules'
  const rows = options.items.map(
    (record) => html`<tr data-schedule="${record.id}">
      <td>${record.agentId}</td>
      <td><a href="${url(c, schedulePath(record.id))}">${record.name}</a><div class="muted">${sourceLabel(record)}</div></td>
      <td>${cronCell(record)}</td>
      <td>${record.timezone ?? html`<span class="muted">default</span>`}</td>
      <td>${enabledBadge(record.enabled)}</td>
      <td>${formatTime(record.nextRunAt)}</td>
      <td>${formatTime(record.lastRunAt)}</td>
      <td>${options.canChange(record) ? scheduleActions(c, record, user) : ''}</td>
    </tr>`,
  )
  return html`<header class="page-head"><h1>${title}</h1></header>
    <table class="table" data-testid="schedules-table">
      <thead><tr><th>Agent</th><th>Name</th><th>Cron</th><th>Time zone</th><th>State</th><th>Next run (UTC)</th><th>Last run (UTC)</th><th></th></tr></thead>
      <tbody>${rows.length > 0 ? rows : html`<tr><td colspan="8" class="muted">No schedules yet.</td></tr>`}</tbody>
    </table>
    <section class="card">
      <h2>New ${user.role === 'admin' ? 'admin ' : ''}schedule</h2>
      <form method="post" action="${url(c, '/dashboard/schedules')}" class="stack" data-testid="schedule-new">
        <input type="hidden" name="_csrf" value="${user.csrfToken}" />
        ${options.error ? html`<p class="alert" role="alert" data-testid="schedule-error">${options.error}</p>` : ''}
        ${scheduleFields({ form: options.form, agentIds: options.agentIds })}
        <button type="submit" class="button">Create schedule</button>
      </form>
    </section>`
}

export interface ScheduleDetailOptions {
  record: ScheduleRecord
  runs: ScheduleRun[]
  user: DashboardUser
  canChange: boolean
  error?: string | undefined
  form?: ScheduleForm | undefined
}

/** One schedule: its settings, actions, edit/delete (not for workspace schedules) and recent runs. */
export function scheduleBody(c: Context<GatewayEnv>, options: ScheduleDetailOptions): Html {
  const { record, user } = options
  const workspace = record.source === 'workspace'
  const form: ScheduleForm = options.form ?? {
    agent_id: record.agentId,
    name: record.name,
    cron: record.cron,
    timezone: record.timezone ?? '',
    message: record.message,
  }
  const runs = options.runs.map(
    (run) => html`<tr>
      <td>${formatTime(run.fireTime)}</td>
      <td>${run.trigger}</td>
      <td>${run.status}${run.reason ? html` <span class="muted">(${run.reason})</span>` : ''}</td>
      <td>${run.executionId ? html`<a href="${url(c, `/dashboard/executions/${encodeURIComponent(run.executionId)}`)}"><code>${run.executionId}</code></a>` : '–'}</td>
      <td>${run.executionStatus ? html`<span class="status status-${run.executionStatus}">${run.executionStatus}</span>` : '–'}</td>
    </tr>`,
  )
  return html`<header class="page-head">
      <h1>Schedule <code>${record.name}</code></h1>
      ${options.canChange ? scheduleActions(c, record, user) : ''}
    </header>
    ${options.error ? html`<p class="alert" role="alert" data-testid="schedule-error">${options.error}</p>` : ''}
    <section class="card">
      <dl class="facts">
        <dt>Id</dt><dd><code>${record.id}</code></dd>
        <dt>Agent</dt><dd>${record.agentId}</dd>
        <dt>Source</dt><dd>${sourceLabel(record)}</dd>
        <dt>Cron</dt><dd>${cronCell(record)}</dd>
        <dt>Time zone</dt><dd>${record.timezone ?? 'gateway default'}</dd>
        <dt>State</dt><dd>${enabledBadge(record.enabled)}</dd>
        <dt>Next run</dt><dd>${formatTime(record.nextRunAt)}</dd>
        <dt>Last run</dt><dd>${formatTime(record.lastRunAt)}</dd>
        <dt>Message</dt><dd><pre>${record.message}</pre></dd>
      </dl>
    </section>
    ${
      !options.canChange
        ? ''
        : workspace
          ? html`<p class="muted" data-testid="schedule-workspace-note">This schedule is defined in ${record.agentId}'s AGENT.md: it can only be paused and resumed here. Edit or remove it in the file.</p>`
          : html`<section class="card">
              <h2>Edit</h2>
              <form method="post" action="${url(c, schedulePath(record.id, 'edit'))}" class="stack" data-testid="schedule-edit">
                <input type="hidden" name="_csrf" value="${user.csrfToken}" />
                ${scheduleFields({ form })}
                <button type="submit" class="button">Save</button>
              </form>
              <form method="post" action="${url(c, schedulePath(record.id, 'delete'))}" class="inline-form">
                <input type="hidden" name="_csrf" value="${user.csrfToken}" />
                <button type="submit" class="button" data-testid="schedule-delete">Delete schedule</button>
              </form>
            </section>`
    }
    <section class="card">
      <h2>Recent runs</h2>
      <table class="table" data-testid="schedule-runs">
        <thead><tr><th>At (UTC)</th><th>Trigger</th><th>Outcome</th><th>Execution</th><th>Status</th></tr></thead>
        <tbody>${runs.length > 0 ? runs : html`<tr><td colspan="5" class="muted">No runs yet.</td></tr>`}</tbody>
      </table>
    </section>`
}
