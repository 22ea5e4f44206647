import type { Context } from 'hono'
import { html } from 'hono/html'
import type { ExecutionRecord } from '../../core/ports/execution-store.ts'
import type { GatewayEnv } from '../../http/gateway-env.ts'
import { url } from '../../http/url.ts'
import type { DashboardUser } from '../dashboard-user.ts'
import { formatTime } from './format.ts'
import type { Html } from './layout.ts'

export interface ApprovalsPageOptions {
  items: ExecutionRecord[]
  user: DashboardUser
  /** The user may decide (an approver or admin); others only see their own runs waiting. */
  canDecide: boolean
}

/** One call waiting: what it is, and the approve / edit / reject form for those who may decide. */
function approvalItem(c: Context<GatewayEnv>, record: ExecutionRecord, options: ApprovalsPageOptions): Html {
  const pending = record.pendingApproval
  if (!pending) return html``
  const detail = url(c, `/dashboard/executions/${encodeURIComponent(record.id)}`)
  const form = options.canDecide
    ? html`<form method="post" action="${url(c, `/dashboard/approvals/${encodeURIComponent(record.id)}/decide`)}" class="approval-form">
        <input type="hidden" name="_csrf" value="${options.user.csrfToken}" />
        <label>Arguments (JSON — edit them to change what runs)
          <textarea name="arguments" rows="4" data-testid="approval-arguments">${JSON.stringify(pending.arguments, null, 2)}</textarea>
        </label>
        <label>Reason (read by the model when you reject)
          <input type="text" name="reason" maxlength="2000" data-testid="approval-reason" />
        </label>
        <div class="actions">
          <button type="submit" name="decision" value="approve" class="button primary" data-testid="approve">Approve</button>
          <button type="submit" name="decision" value="reject" class="button" data-testid="reject">Reject</button>
        </div>
      </form>`
    : html`<pre>${JSON.stringify(pending.arguments, null, 2)}</pre>`
  return html`<li class="card approval" data-testid="approval" data-execution="${record.id}">
    <p><strong>Tool</strong> <code data-testid="approval-tool">${pending.toolName}</code> · agent ${record.agentId} ·
      <a href="${detail}"><code>${record.id.slice(0, 18)}…</code></a></p>
    <p class="muted">Requested ${formatTime(pending.requestedAt)} UTC · expires ${formatTime(pending.expiresAt)} UTC${record.principalId ? html` · run by <code>${record.principalId}</code>` : ''}</p>
    ${form}
  </li>`
}

/** The approvals inbox: tool calls whose runs wait for a decision, oldest first. */
export function approvalsBody(c: Context<GatewayEnv>, options: ApprovalsPageOptions): Html {
  const items = options.items.map((record) => approvalItem(c, record, options))
  return html`<header class="page-head"><h1>Approvals</h1></header>
    <p class="muted">Tool calls that need a human's decision. A decided run resumes from its recorded steps on any instance.</p>
    <ul class="approvals" data-testid="approvals">
      ${items.length > 0 ? items : html`<li class="muted" data-testid="no-approvals">Nothing is waiting for approval.</li>`}
    </ul>`
}
