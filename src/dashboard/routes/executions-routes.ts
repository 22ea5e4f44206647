import type { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { seesEverything } from '../../core/authorization.ts'
import { type ExecutionStatus, terminalStatuses } from '../../core/execution-types.ts'
import type { GatewayEnv } from '../../http/gateway-env.ts'
import type { RouteTable } from '../../http/route-table.ts'
import { sseResponse } from '../../http/sse.ts'
import { url } from '../../http/url.ts'
import { executionChannel } from '../../services/executions/create-execution-tracker.ts'
import { addDashboardRoute, isHtmx } from '../dashboard-route.ts'
import type { DashboardUser } from '../dashboard-user.ts'
import { executionDetailBody, executionSummary, traceStep } from '../views/execution-detail-page.ts'
import {
  type ExecutionFilterForm,
  executionList,
  executionStatuses,
  executionsBody,
} from '../views/executions-page.ts'
import { parseDateInput, parseNumberInput } from '../views/format.ts'
import { renderPage } from '../views/layout.ts'

const pageSize = 20
const dayMs = 86_400_000
/** The live trace re-reads storage at least this often (the bus is only a wake-up). */
const livePollMs = 1000

function readFilters(c: Context<GatewayEnv>): ExecutionFilterForm {
  const get = (key: string) => (c.req.query(key) ?? '').trim()
  return {
    agent_id: get('agent_id'),
    status: get('status'),
    session_id: get('session_id'),
    from: get('from'),
    to: get('to'),
    min_cost: get('min_cost'),
    max_cost: get('max_cost'),
  }
}

/** Executions: the filtered list (live while runs are active), detail with its trace (live over SSE), retry. */
export function registerExecutionsRoutes(app: OpenAPIHono<GatewayEnv>, table: RouteTable): void {
  addDashboardRoute(
    app,
    table,
    { id: 'dashboard.executions', method: 'GET', path: '/dashboard/executions', access: 'user' },
    async (c, request) => {
      const user = request.user as DashboardUser
      const runtime = c.var.runtime
      const filters = readFilters(c)
      const to = parseDateInput(filters.to)
      const cursor = c.req.query('cursor') || undefined
      const { items, nextCursor } = await runtime.executions.listVisible(
        {
          agentId: filters.agent_id || undefined,
          status: (executionStatuses as readonly string[]).includes(filters.status)
            ? (filters.status as ExecutionStatus)
            : undefined,
          sessionId: filters.session_id || undefined,
          createdFrom: parseDateInput(filters.from),
          // The "to" day is included: everything before the next day's start.
          createdBefore: to === undefined ? undefined : to + dayMs,
          minCostUsd: parseNumberInput(filters.min_cost),
          maxCostUsd: parseNumberInput(filters.max_cost),
          limit: pageSize,
          cursor,
        },
        user.viewer,
      )
      const list = executionList(c, {
        items,
        cursor,
        nextCursor,
        filters,
        // Whose runs they are matters only to someone who sees more than their own.
        showPrincipal: seesEverything(user.viewer),
      })
      if (isHtmx(c)) return c.html(list)
      const agentIds = runtime.workspace.agents.map((agent) => agent.id)
      return c.html(
        renderPage(c, {
          user,
          title: 'Executions',
          active: 'executions',
          body: executionsBody(c, agentIds, list, filters),
        }),
      )
    },
  )

  addDashboardRoute(
    app,
    table,
    { id: 'dashboard.execution', method: 'GET', path: '/dashboard/executions/:id', access: 'user' },
    async (c, request) => {
      const user = request.user as DashboardUser
      const runtime = c.var.runtime
      const { record, steps } = await runtime.executions.readProgress(c.req.param('id') ?? '', user.viewer)
      const sessionStored =
        record.sessionId !== null &&
        (await runtime.sessions.findVisible(record.sessionId, user.viewer)) !== undefined
      const workflow = await runtime.executions.workflowVisible(record.id, user.viewer)
      return c.html(
        renderPage(c, {
          user,
          title: `Execution ${record.id}`,
          active: 'executions',
          body: executionDetailBody(c, { record, steps, user, sessionStored, workflow }),
        }),
      )
    },
  )

  addDashboardRoute(
    app,
    table,
    { id: 'dashboard.execution_live', method: 'GET', path: '/dashboard/executions/:id/live', access: 'user' },
    async (c, request) => {
      const user = request.user as DashboardUser
      const runtime = c.var.runtime
      // Answered before the stream starts, so a hidden execution is a plain 404.
      const record = await runtime.executions.getVisible(c.req.param('id') ?? '', user.viewer)
      const after = Number(c.req.query('after') ?? 0)
      return sseResponse({
        keepaliveMs: runtime.config.server.sseKeepaliveSeconds * 1000,
        requestSignal: c.req.raw.signal,
        onError: (error) => runtime.logger.error({ err: error, executionId: record.id }, 'live trace failed'),
        run: async (sink) => {
          let wake: (() => void) | undefined
          const unsubscribe = await runtime.bus.subscribe(executionChannel(record.id), () => wake?.())
          sink.signal.addEventListener('abort', () => wake?.(), { once: true })
          try {
            let last = Number.isInteger(after) && after > 0 ? after : 0
            while (!sink.closed) {
              const progress = await runtime.executions.readProgress(record.id, user.viewer, last)
              for (const step of progress.steps) {
                sink.sendText('step', String(await traceStep(step)))
                last = step.sequence
              }
              const current = progress.record
              if (terminalStatuses.includes(current.status)) {
                const sessionStored =
                  current.sessionId !== null &&
                  (await runtime.sessions.findVisible(current.sessionId, user.viewer)) !== undefined
                sink.sendText('summary', String(await executionSummary(c, current, sessionStored)))
                sink.sendText('done', '')
                return
              }
              await new Promise<void>((resolve) => {
                const timer = setTimeout(resolve, livePollMs)
                wake = () => {
                  clearTimeout(timer)
                  resolve()
                }
              })
              wake = undefined
            }
          } finally {
            await unsubscribe()
          }
        },
      })
    },
  )

  addDashboardRoute(
    app,
    table,
    {
      id: 'dashboard.execution_retry',
      method: 'POST',
      path: '/dashboard/executions/:id/retry',
      access: 'admin',
    },
    async (c, request) => {
      const user = request.user as DashboardUser
      const runtime = c.var.runtime
      const record = await runtime.executions.getVisible(c.req.param('id') ?? '', user.viewer)
      // A new execution of the same agent, message and input, run by the queue's workers.
      const retried = await runtime.executions.submit({
        agentId: record.agentId,
        message: record.message,
        input: record.input,
        timeoutMs: record.options.timeoutMs,
        outputSchema: record.options.outputSchema ?? undefined,
        viewer: user.viewer,
      })
      await runtime.audit.record({
        eventType: 'execution.retried',
        actor: user.principal.id,
        resourceType: 'execution',
        resourceId: record.id,
        metadata: { retryExecutionId: retried.id },
        ipAddress: c.var.origin.clientIp ?? null,
      })
      const target = url(c, `/dashboard/executions/${encodeURIComponent(retried.id)}`)
      if (isHtmx(c)) {
        c.header('HX-Redirect', target)
        return c.body(null, 204)
      }
      return c.redirect(target, 303)
    },
  )
}
