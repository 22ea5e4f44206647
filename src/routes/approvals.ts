import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import { defineRoute } from '../http/define-route.ts'
import type { GatewayEnv } from '../http/gateway-env.ts'
import { errors } from '../http/openapi-schemas.ts'
import { url } from '../http/url.ts'
import { ExecutionSchema, toExecutionBody } from './executions.ts'

const ExecutionIdParams = z.object({
  execution_id: z
    .string()
    .min(1)
    .max(128)
    .openapi({ param: { name: 'execution_id', in: 'path' } }),
})

const DecisionSchema = z
  .discriminatedUnion('decision', [
    z
      .object({
        decision: z.literal('approve'),
        arguments: z.record(z.string(), z.unknown()).optional().openapi({
          description: "Edited arguments to run the call with instead of the model's (validated).",
        }),
      })
      .strict(),
    z
      .object({
        decision: z.literal('reject'),
        reason: z
          .string()
          .max(2000)
          .optional()
          .openapi({ description: "Why; the model reads it as the tool's result." }),
      })
      .strict(),
  ])
  .openapi('ApprovalDecision')

const decideRoute = defineRoute(
  { id: 'executions.approve', surface: 'api', scopes: ['executions:approve'] },
  createRoute({
    operationId: 'decideApproval',
    method: 'post',
    path: '/v1/executions/{execution_id}/approvals',
    tags: ['Executions'],
    summary: 'Approve, reject or edit the tool call an execution waits on',
    description:
      'Decides the pending call of an `awaiting_approval` execution: `approve` (optionally with edited `arguments`, validated against the tool) or `reject` with a `reason` the model reads as the tool result. The execution goes back to `queued` and resumes on any worker from its recorded steps. 409 when it is not awaiting approval (decided meanwhile, cancelled, expired).',
    request: {
      params: ExecutionIdParams,
      body: { content: { 'application/json': { schema: DecisionSchema } }, required: true },
    },
    responses: {
      200: {
        description: 'Decided; the execution is queued again',
        content: { 'application/json': { schema: ExecutionSchema } },
      },
      ...errors(401, 403, 404, 409, 422),
    },
  }),
)

const listRoute = defineRoute(
  { id: 'approvals.list', surface: 'api', scopes: ['executions:read'] },
  createRoute({
    operationId: 'listApprovals',
    method: 'get',
    path: '/v1/approvals',
    tags: ['Executions'],
    summary: 'List executions waiting for approval, oldest first',
    description:
      "Every owner's with `executions:approve`, `admin` or `*`; otherwise the caller's own. Each item's `pending_approval` is the call waiting.",
    request: {
      query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
    },
    responses: {
      200: {
        description: 'Pending approvals',
        content: { 'application/json': { schema: z.object({ items: z.array(ExecutionSchema) }) } },
      },
      ...errors(401, 403),
    },
  }),
)

export function registerApprovalRoutes(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(listRoute, async (c) => {
    const records = await c.var.runtime.approvals.listPending(c.var.viewer, c.req.valid('query').limit)
    return c.json(
      {
        items: records.map((record) => toExecutionBody(record, url(c, `/v1/executions/${record.id}/events`))),
      },
      200,
    )
  })

  app.openapi(decideRoute, async (c) => {
    const id = c.req.valid('param').execution_id
    const record = await c.var.runtime.approvals.decide(id, c.var.viewer, c.req.valid('json'))
    return c.json(toExecutionBody(record, url(c, `/v1/executions/${id}/events`)), 200)
  })
}
