import type { OpenAPIHono } from '@hono/zod-openapi'
import { canApprove } from '../../core/authorization.ts'
import { GatewayError } from '../../core/errors.ts'
import type { GatewayEnv } from '../../http/gateway-env.ts'
import type { RouteTable } from '../../http/route-table.ts'
import { url } from '../../http/url.ts'
import type { ApprovalDecisionRequest } from '../../services/executions/create-approval-service.ts'
import { addDashboardRoute, isHtmx } from '../dashboard-route.ts'
import type { DashboardUser } from '../dashboard-user.ts'
import { approvalsBody } from '../views/approvals-page.ts'
import { renderPage } from '../views/layout.ts'

/** The edited arguments of the form: `undefined` when unchanged; a 422 when not a JSON object. */
function editedArguments(text: string | undefined, original: Record<string, unknown>) {
  if (text === undefined || text.trim() === '') return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = undefined
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new GatewayError('validation_failed', { message: 'The arguments must be a JSON object.' })
  }
  return JSON.stringify(parsed) === JSON.stringify(original) ? undefined : (parsed as Record<string, unknown>)
}

/** The approvals inbox: pending tool calls, approved, edited or rejected by approvers. */
export function registerApprovalsRoutes(app: OpenAPIHono<GatewayEnv>, table: RouteTable): void {
  addDashboardRoute(
    app,
    table,
    { id: 'dashboard.approvals', method: 'GET', path: '/dashboard/approvals', access: 'user' },
    async (c, request) => {
      const user = request.user as DashboardUser
      const items = await c.var.runtime.approvals.listPending(user.viewer, 100)
      return c.html(
        renderPage(c, {
          user,
          title: 'Approvals',
          active: 'approvals',
          body: approvalsBody(c, { items, user, canDecide: canApprove(user.viewer) }),
        }),
      )
    },
  )

  addDashboardRoute(
    app,
    table,
    {
      id: 'dashboard.approval_decide',
      method: 'POST',
      path: '/dashboard/approvals/:id/decide',
      access: 'user',
    },
    async (c, { user, form }) => {
      const runtime = c.var.runtime
      const viewer = (user as DashboardUser).viewer
      const id = c.req.param('id') ?? ''
      // Who may decide is the policy's answer, inside the service (403 for a plain user).
      const record = await runtime.executions.getVisible(id, viewer).catch(() => undefined)
      const original = record?.pendingApproval?.arguments ?? {}
      const decision: ApprovalDecisionRequest =
        form.decision === 'reject'
          ? { decision: 'reject', reason: (form.reason ?? '').trim() || undefined }
          : { decision: 'approve', arguments: editedArguments(form.arguments, original) }
      await runtime.approvals.decide(id, viewer, decision)
      const target = url(c, '/dashboard/approvals')
      if (isHtmx(c)) {
        c.header('HX-Redirect', target)
        return c.body(null, 204)
      }
      return c.redirect(target, 303)
    },
  )
}
