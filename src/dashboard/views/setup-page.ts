import type { Context } from 'hono'
import { html } from 'hono/html'
import type { AgentDefinition } from '../../core/workspace/model.ts'
import type { SetupField } from '../../core/workspace/setup-schema.ts'
import type { GatewayEnv } from '../../http/gateway-env.ts'
import { url } from '../../http/url.ts'
import type { PersonalConfigView } from '../../services/personal/create-personal-config-service.ts'
import type { DashboardUser } from '../dashboard-user.ts'
import type { Html } from './layout.ts'

export interface SetupPageOptions {
  agent: AgentDefinition
  fields: SetupField[]
  /** The user's stored setup, if any. */
  current: PersonalConfigView | undefined
  /** What the user sent, shown again after a refused save (secrets never). */
  sent?: Record<string, string> | undefined
  user: DashboardUser
  error?: string | undefined
}

function shown(field: SetupField, options: SetupPageOptions): string {
  if (options.sent) return options.sent[field.name] ?? ''
  const value = options.current?.values[field.name] ?? field.default
  if (value === undefined || value === null) return ''
  return Array.isArray(value) ? value.join(', ') : String(value)
}

function input(field: SetupField, options: SetupPageOptions): Html {
  const value = shown(field, options)
  const name = field.name
  const required = field.required
  switch (field.kind) {
    case 'secret': {
      const stored = options.current?.secretsSet.includes(name) ?? false
      // The stored secret is never sent to the browser: blank keeps it.
      return html`<input type="password" name="${name}" autocomplete="off" data-field="${name}"
          placeholder="${stored ? 'stored — leave blank to keep' : ''}" ${required && !stored ? 'required' : ''} />`
    }
    case 'enum':
      return html`<select name="${name}" data-field="${name}" ${required ? 'required' : ''}>
          ${required ? '' : html`<option value="">—</option>`}
          ${field.choices.map((choice) => html`<option value="${choice}" ${choice === value ? 'selected' : ''}>${choice}</option>`)}
        </select>`
    case 'boolean': {
      const checked = options.sent ? options.sent[name] === 'on' : value === 'true'
      return html`<input type="checkbox" name="${name}" data-field="${name}" ${checked ? 'checked' : ''} />`
    }
    case 'number':
    case 'integer':
      return html`<input type="number" name="${name}" value="${value}" data-field="${name}"
          step="${field.kind === 'integer' ? '1' : 'any'}" ${required ? 'required' : ''} />`
    case 'array':
      return html`<input name="${name}" value="${value}" data-field="${name}" placeholder="comma-separated"
          ${required ? 'required' : ''} />`
    default:
      return html`<input name="${name}" value="${value}" data-field="${name}" ${required ? 'required' : ''} />`
  }
}

/** The setup form of a personal agent, generated from its `setup_schema`. */
export function setupBody(c: Context<GatewayEnv>, options: SetupPageOptions): Html {
  const { agent, fields, current, user } = options
  const base = `/dashboard/agents/${encodeURIComponent(agent.id)}/setup`
  const instructions = options.sent ? (options.sent.instructions ?? '') : (current?.instructions ?? '')
  return html`<header class="page-head">
      <h1>Set up ${agent.displayName ?? agent.id}</h1>
      <span class="status ${current ? 'status-online' : 'status-busy'}" data-testid="setup-state"
        >${current ? 'configured' : 'setup required'}</span
      >
    </header>
    <section class="card">
      <p class="agent-description">${agent.description || `Agent: ${agent.id}`}</p>
      <form method="post" action="${url(c, base)}" class="stack" data-testid="setup-form">
        <input type="hidden" name="_csrf" value="${user.csrfToken}" />
        ${options.error ? html`<p class="alert" data-testid="setup-error">${options.error}</p>` : ''}
        ${fields.map(
          (field) => html`<label
            >${field.label}${field.required ? ' *' : ''} ${input(field, options)}
            ${field.description ? html`<small class="muted">${field.description}</small>` : ''}</label
          >`,
        )}
        <label
          >Instructions
          <textarea name="instructions" rows="4" data-field="instructions" maxlength="8000">${instructions}</textarea>
          <small class="muted">Added to the agent's prompt for you only.</small></label
        >
        <button type="submit" class="button primary" data-testid="setup-save">Save</button>
      </form>
      ${
        current
          ? html`<form method="post" action="${url(c, `${base}/delete`)}" class="card-actions">
              <input type="hidden" name="_csrf" value="${user.csrfToken}" />
              <button type="submit" class="button" data-testid="setup-delete">Delete my setup</button>
            </form>`
          : ''
      }
    </section>`
}
