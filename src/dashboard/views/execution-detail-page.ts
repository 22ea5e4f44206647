import type { Context } from 'hono'
import { html } from 'hono/html'
import type { ExecutionRecord, ExecutionStepRecord } from '../../core/ports/execution-store.ts'
import type { GatewayEnv } from '../../http/gateway-env.ts'
import { url } from '../../http/url.ts'
import type { Workflow, WorkflowNode } from '../../services/executions/build-workflow-tree.ts'
import type { DashboardUser } from '../dashboard-user.ts'
import { isActive, statusBadge } from './executions-page.ts'
import { formatCost, formatDuration, formatJson, formatTime } from './format.ts'
import { icon } from './icons.ts'
import type { Html } from './layout.ts'

/** One step of the trace: a model call, a tool call, a tool result or a retry's replay. */
export function traceStep(step: ExecutionStepRecord): Html {
  const data = step.data
  let summary: Html
  let detail: unknown
  if (step.type === 'llm_call') {
    summary = html`<strong>Model call</strong> <code>${String(data.model ?? '')}</code>
      <span class="muted">${String(data.input_tokens ?? 0)} in / ${String(data.output_tokens ?? 0)} out · ${formatCost(Number(data.cost_usd ?? 0))}</span>`
    detail = data.error ? { error: data.error, text: data.text } : data.text
  } else if (step.type === 'retrieval') {
    const passages = Array.isArray(data.passages) ? data.passages.length : 0
    summary = html`<strong>Retrieval</strong> <code>${String(data.retriever ?? '')}</code>
      <span class="muted">${passages} passage${passages === 1 ? '' : 's'}</span>${data.error ? html` <span class="status status-failed">error</span>` : ''}`
    detail = { query: data.query, passages: data.passages, ...(data.error ? { error: data.error } : {}) }
  } else if (step.type === 'tool_call') {
    summary = html`${icon('tool')}<strong>Tool call</strong> <code>${String(data.name ?? '')}</code>`
    detail = data.arguments
  } else if (step.type === 'replay') {
    summary = html`<strong>Attempt ${String(step.attempt)} resumed</strong>
      <span class="muted">replayed ${String(data.model_calls ?? 0)} model call(s) and ${String(data.tool_calls ?? 0)} tool result(s) from the run journal</span>`
    detail = data
  } else {
    summary = html`<strong>Tool result</strong> <code>${String(data.name ?? '')}</code>${data.is_error ? html` <span class="status status-failed">error</span>` : ''}`
    detail = data.output
  }
  return html`<li class="step step-${step.type}" data-sequence="${step.sequence}" data-testid="trace-step">
    <details>
      <summary class="step-summary"><span class="step-number">#${step.sequence}</span> ${summary} <span class="muted">${formatDuration(step.durationMs)}</span></summary>
      <pre>${formatJson(detail)}</pre>
    </details>
  </li>`
}

export interface ExecutionDetailOptions {
  record: ExecutionRecord
  steps: ExecutionStepRecord[]
  user: DashboardUser
  /** Whether the execution's chat session is stored (a failed first turn leaves none to link to). */
  sessionStored: boolean
  /** The delegation tree it belongs to, when it has more than this execution. */
  workflow?: Workflow | undefined
}

/** The delegation tree: every execution as a link, this one marked, with the workflow's cost. */
function workflowSection(c: Context<GatewayEnv>, record: ExecutionRecord, workflow: Workflow): Html {
  const node = (
    entry: WorkflowNode,
  ): Html => html`<li data-testid="workflow-node" data-execution="${entry.record.id}">
      ${
        entry.record.id === record.id
          ? html`<strong><code>${entry.record.agentId}</code> (this execution)</strong>`
          : html`<a href="${url(c, `/dashboard/executions/${encodeURIComponent(entry.record.id)}`)}"><code>${entry.record.agentId}</code></a>`
      }
      ${statusBadge(entry.record.status)} <span class="muted">${formatCost(entry.record.usage?.costUsd)}</span>
      ${entry.children.length > 0 ? html`<ul>${entry.children.map(node)}</ul>` : ''}
    </li>`
  const parent = record.parentExecutionId
  return html`<section class="card" data-testid="workflow">
    <h2>Workflow</h2>
    <dl class="facts">
      <dt>Parent</dt><dd>${parent ? html`<a data-testid="workflow-parent" href="${url(c, `/dashboard/executions/${encodeURIComponent(parent)}`)}"><code>${parent}</code></a>` : '—'}</dd>
      <dt>Executions</dt><dd>${workflow.executionCount}</dd>
      <dt>Workflow cost</dt><dd data-testid="workflow-cost">${formatCost(workflow.usage.costUsd)}</dd>
      <dt>Model calls</dt><dd data-testid="workflow-calls">${workflow.usage.llmCalls}</dd>
    </dl>
    <ul class="workflow-tree">${node(workflow.root)}</ul>
  </section>`
}

/** The execution header: status, timings, usage, cost, error and result (re-sent live when it finishes). */
export function executionSummary(
  c: Context<GatewayEnv>,
  record: ExecutionRecord,
  sessionStored: boolean,
): Html {
  const usage = record.usage
  return html`<dl class="facts wide" id="execution-summary">
    <dt>Status</dt><dd>${statusBadge(record.status)}</dd>
    <dt>Agent</dt><dd><code>${record.agentId}</code> (${record.kind})</dd>
    <dt>Principal</dt><dd><code>${record.principalId ?? 'anonymous'}</code></dd>
    <dt>Session</dt><dd>${record.sessionId && sessionStored ? html`<a href="${url(c, `/dashboard/conversations/${encodeURIComponent(record.sessionId)}`)}"><code>${record.sessionId}</code></a>` : record.sessionId ? html`<code>${record.sessionId}</code>` : '—'}</dd>
    <dt>Created</dt><dd>${formatTime(record.createdAt)}</dd>
    <dt>Duration</dt><dd>${formatDuration(record.completedAt !== null && record.startedAt !== null ? record.completedAt - record.startedAt : null)}</dd>
    <dt>Tokens</dt><dd>${usage ? `${usage.inputTokens} in / ${usage.outputTokens} out` : '—'}</dd>
    <dt>Calls</dt><dd>${usage ? `${usage.llmCalls} model, ${usage.toolCalls} tool` : '—'}</dd>
    <dt>Cost</dt><dd>${formatCost(usage?.costUsd)}</dd>
    <dt>Attempts</dt><dd>${record.attempts}</dd>
    <dt>Trace</dt><dd data-testid="execution-trace-id">${record.traceId ? html`<code>${record.traceId}</code>` : '—'}</dd>
  </dl>
  ${record.error ? html`<p class="alert" data-testid="execution-error"><strong>${record.error.code}</strong>: ${record.error.message}</p>` : ''}
  ${record.result ? html`<h2>Result</h2><pre data-testid="execution-output">${formatJson(record.result.output)}</pre>` : ''}`
}

/**
 * The detail page body. While the execution runs, the trace and header follow it live through
 * the htmx SSE extension (`/dashboard/executions/{id}/live`), which closes on `done`.
 */
export function executionDetailBody(c: Context<GatewayEnv>, options: ExecutionDetailOptions): Html {
  const { record, steps, user } = options
  const base = `/dashboard/executions/${encodeURIComponent(record.id)}`
  const live = isActive(record)
  const lastSequence = steps.at(-1)?.sequence ?? 0
  const liveAttributes = live
    ? html`hx-ext="sse" sse-connect="${url(c, `${base}/live?after=${lastSequence}`)}" sse-close="done"`
    : ''
  return html`<header class="page-head">
      <h1>Execution <code>${record.id}</code></h1>
      ${
        user.role === 'admin'
          ? html`<form method="post" action="${url(c, `${base}/retry`)}">
              <input type="hidden" name="_csrf" value="${user.csrfToken}" />
              <button type="submit" class="button" data-testid="retry">${icon('retry')}<span>Retry as a new execution</span></button>
            </form>`
          : ''
      }
    </header>
    <div class="execution" ${liveAttributes}>
      <section class="card">
        <div sse-swap="summary" hx-swap="innerHTML">${executionSummary(c, record, options.sessionStored)}</div>
      </section>
      ${options.workflow && options.workflow.executionCount > 1 ? workflowSection(c, record, options.workflow) : ''}
      <section class="card">
        <h2>Message</h2>
        <pre>${record.message}</pre>
        ${Object.keys(record.input).length > 0 ? html`<h3>Input</h3><pre>${formatJson(record.input)}</pre>` : ''}
      </section>
      <section class="card">
        <h2>Trace</h2>
        <ol class="trace" id="trace" data-testid="trace" sse-swap="step" hx-swap="beforeend">${steps.map(traceStep)}</ol>
        ${steps.length === 0 && !live ? html`<p class="muted">No steps were recorded.</p>` : ''}
      </section>
    </div>`
}
