import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import { GatewayError } from '../core/errors.ts'
import type { Usage } from '../core/execution-types.ts'
import type { ExecutionRecord, ExecutionStepRecord } from '../core/ports/execution-store.ts'
import { defineRoute } from '../http/define-route.ts'
import type { GatewayEnv } from '../http/gateway-env.ts'
import { errors } from '../http/openapi-schemas.ts'
import { RunErrorSchema, StatusSchema } from '../http/run-schemas.ts'
import { url } from '../http/url.ts'
import type { WorkflowNode } from '../services/executions/build-workflow-tree.ts'
import { queuedResponse } from './idempotent-request.ts'
import { TimestampSchema, toTimestamp } from './timestamp.ts'

export const ExecutionSchema = z
  .object({
    execution_id: z.string(),
    agent_id: z.string(),
    status: StatusSchema,
    kind: z.enum(['invoke', 'chat']),
    message: z.string(),
    input: z.record(z.string(), z.unknown()),
    result: z
      .object({
        output: z.unknown(),
        raw_text: z.string(),
        stop_reason: z.string(),
        validation_errors: z.unknown(),
      })
      .nullable(),
    error: RunErrorSchema,
    usage: z.record(z.string(), z.unknown()).nullable(),
    session_id: z.string().nullable(),
    parent_execution_id: z.string().nullable(),
    root_execution_id: z.string(),
    trace_id: z.string().nullable().openapi({
      description:
        'The OpenTelemetry trace the execution was recorded in (its spans carry `agentgw.execution.id`); null when tracing was off.',
    }),
    delegation_depth: z.number().int(),
    attempts: z.number().int(),
    created_at: TimestampSchema,
    started_at: TimestampSchema.nullable(),
    completed_at: TimestampSchema.nullable(),
    cancel_requested_at: TimestampSchema.nullable(),
    pending_approval: z
      .object({
        call_id: z.string(),
        tool_name: z.string(),
        arguments: z.record(z.string(), z.unknown()),
        requested_at: TimestampSchema,
        expires_at: TimestampSchema,
      })
      .nullable()
      .openapi({ description: 'The tool call an `awaiting_approval` execution waits on; `null` otherwise.' }),
    events_url: z.string().openapi({ description: 'Server-sent events of this execution (prefixed path).' }),
  })
  .openapi('Execution')

const StepSchema = z
  .object({
    sequence: z.number().int(),
    type: z.enum(['llm_call', 'tool_call', 'tool_result', 'retrieval', 'replay']),
    data: z.record(z.string(), z.unknown()),
    duration_ms: z.number().nullable(),
    attempt: z.number().int(),
    created_at: TimestampSchema,
  })
  .openapi('ExecutionStep')

export function toStepBody(step: ExecutionStepRecord): z.infer<typeof StepSchema> {
  return {
    sequence: step.sequence,
    type: step.type,
    data: step.data,
    duration_ms: step.durationMs,
    attempt: step.attempt,
    created_at: toTimestamp(step.createdAt),
  }
}

export function toExecutionBody(record: ExecutionRecord, eventsUrl: string): z.infer<typeof ExecutionSchema> {
  return {
    execution_id: record.id,
    agent_id: record.agentId,
    status: record.status,
    kind: record.kind,
    message: record.message,
    input: record.input,
    result: record.result
      ? {
          output: record.result.output,
          raw_text: record.result.rawText,
          stop_reason: record.result.stopReason,
          validation_errors: record.result.validationErrors,
        }
      : null,
    error: record.error,
    usage: record.usage
      ? {
          input_tokens: record.usage.inputTokens,
          output_tokens: record.usage.outputTokens,
          cost_usd: record.usage.costUsd,
          llm_calls: record.usage.llmCalls,
          tool_calls: record.usage.toolCalls,
          models_used: record.usage.modelsUsed,
        }
      : null,
    session_id: record.sessionId,
    parent_execution_id: record.parentExecutionId,
    root_execution_id: record.rootExecutionId,
    trace_id: record.traceId ?? null,
    delegation_depth: record.depth,
    attempts: record.attempts,
    created_at: toTimestamp(record.createdAt),
    started_at: toTimestamp(record.startedAt),
    completed_at: toTimestamp(record.completedAt),
    cancel_requested_at: toTimestamp(record.cancelRequestedAt),
    pending_approval:
      record.status === 'awaiting_approval' && record.pendingApproval
        ? {
            call_id: record.pendingApproval.callId,
            tool_name: record.pendingApproval.toolName,
            arguments: record.pendingApproval.arguments,
            requested_at: toTimestamp(record.pendingApproval.requestedAt),
            expires_at: toTimestamp(record.pendingApproval.expiresAt),
          }
        : null,
    events_url: eventsUrl,
  }
}

const ExecutionIdParams = z.object({
  execution_id: z
    .string()
    .min(1)
    .max(128)
    .openapi({ param: { name: 'execution_id', in: 'path' } }),
})

const listRoute = defineRoute(
  { id: 'executions.list', surface: 'api', scopes: ['executions:read'] },
  createRoute({
    operationId: 'listExecutions',
    method: 'get',
    path: '/v1/executions',
    tags: ['Executions'],
    summary: 'List executions, newest first',
    description: "The caller's own executions; every caller's with `executions:read_all`, `admin` or `*`.",
    request: {
      query: z.object({
        agent_id: z.string().optional(),
        session_id: z.string().optional(),
        status: StatusSchema.optional(),
        root_execution_id: z.string().optional(),
        limit: z.coerce.number().int().min(1).max(500).default(50),
        cursor: z.string().optional().openapi({ description: '`next_cursor` of the previous page.' }),
      }),
    },
    responses: {
      200: {
        description: 'A page of executions',
        content: {
          'application/json': {
            schema: z
              .object({ items: z.array(ExecutionSchema), next_cursor: z.string().nullable() })
              .openapi('ExecutionPage'),
          },
        },
      },
      ...errors(400, 401, 403, 422),
    },
  }),
)

const getRoute = defineRoute(
  { id: 'executions.get', surface: 'api', scopes: ['executions:read'] },
  createRoute({
    operationId: 'getExecution',
    method: 'get',
    path: '/v1/executions/{execution_id}',
    tags: ['Executions'],
    summary: 'Get an execution with its steps',
    description: "Another caller's execution answers 404 unless the caller may read everyone's.",
    request: { params: ExecutionIdParams },
    responses: {
      200: {
        description: 'The execution and its trace',
        content: {
          'application/json': {
            schema: ExecutionSchema.extend({ steps: z.array(StepSchema) }).openapi('ExecutionDetail'),
          },
        },
      },
      ...errors(401, 403, 404),
    },
  }),
)

const cancelRoute = defineRoute(
  { id: 'executions.cancel', surface: 'api', scopes: ['executions:cancel'] },
  createRoute({
    operationId: 'cancelExecution',
    method: 'post',
    path: '/v1/executions/{execution_id}/cancel',
    tags: ['Executions'],
    summary: 'Cancel an execution',
    description:
      "A queued execution is cancelled at once (200 `cancelled`); a running one is asked to stop (202 `cancel_requested`) wherever it runs. A finished one answers 409. Another caller's execution answers 404, or 403 `forbidden` to a caller that may read but not change it (`executions:read_all` without `admin`).",
    request: { params: ExecutionIdParams },
    responses: {
      200: {
        description: 'Cancelled',
        content: {
          'application/json': {
            schema: z.object({ execution_id: z.string(), status: z.literal('cancelled') }),
          },
        },
      },
      202: {
        description: 'Cancel requested',
        content: {
          'application/json': {
            schema: z.object({ execution_id: z.string(), status: z.literal('cancel_requested') }),
          },
        },
      },
      ...errors(401, 403, 404, 409),
    },
  }),
)

const UsageSchema = z
  .object({
    input_tokens: z.number(),
    output_tokens: z.number(),
    cost_usd: z.number(),
    llm_calls: z.number(),
    tool_calls: z.number(),
    models_used: z.array(z.string()),
  })
  .openapi('Usage')

const WorkflowNodeSchema = z
  .object({
    execution_id: z.string(),
    agent_id: z.string(),
    status: StatusSchema,
    parent_execution_id: z.string().nullable(),
    delegation_depth: z.number().int(),
    message: z.string(),
    usage: UsageSchema.nullable().openapi({ description: "This execution's own usage." }),
    created_at: TimestampSchema,
    completed_at: TimestampSchema.nullable(),
    children: z.array(z.record(z.string(), z.unknown())).openapi({
      description: 'The executions this one delegated to, oldest first: nodes of the same shape.',
    }),
  })
  .openapi('WorkflowNode')

function toUsageBody(usage: Usage) {
  return {
    input_tokens: usage.inputTokens,
    output_tokens: usage.outputTokens,
    cost_usd: usage.costUsd,
    llm_calls: usage.llmCalls,
    tool_calls: usage.toolCalls,
    models_used: usage.modelsUsed,
  }
}

function toNodeBody(node: WorkflowNode): z.infer<typeof WorkflowNodeSchema> {
  const { record } = node
  return {
    execution_id: record.id,
    agent_id: record.agentId,
    status: record.status,
    parent_execution_id: record.parentExecutionId,
    delegation_depth: record.depth,
    message: record.message,
    usage: record.usage ? toUsageBody(record.usage) : null,
    created_at: toTimestamp(record.createdAt),
    completed_at: toTimestamp(record.completedAt),
    children: node.children.map(toNodeBody),
  }
}

const workflowRoute = defineRoute(
  { id: 'executions.workflow', surface: 'api', scopes: ['executions:read'] },
  createRoute({
    operationId: 'getExecutionWorkflow',
    method: 'get',
    path: '/v1/executions/{execution_id}/workflow',
    tags: ['Executions'],
    summary: 'The delegation tree an execution belongs to',
    description:
      "From the root execution down through every delegated child, with the workflow's total usage. Answers for any execution of the tree; another caller's execution answers 404 unless the caller may read everyone's.",
    request: { params: ExecutionIdParams },
    responses: {
      200: {
        description: 'The workflow',
        content: {
          'application/json': {
            schema: z
              .object({
                root_execution_id: z.string(),
                execution_count: z.number().int(),
                usage: UsageSchema.openapi({ description: 'The sum over every execution of the tree.' }),
                tree: WorkflowNodeSchema,
              })
              .openapi('Workflow'),
          },
        },
      },
      ...errors(401, 403, 404),
    },
  }),
)

const retryRoute = defineRoute(
  { id: 'executions.retry', surface: 'api', scopes: ['agents:invoke'] },
  createRoute({
    operationId: 'retryExecution',
    method: 'post',
    path: '/v1/executions/{execution_id}/retry',
    tags: ['Executions'],
    summary: 'Retry a failed execution',
    description:
      "Queues a new execution with the agent, message, input and options of a failed, timed out or cancelled invoke execution — e.g. one that ended `retries_exhausted` — and answers 202 like an async invoke. A completed or running one, or a chat turn, answers 409. Another caller's execution answers 404, or 403 to a caller that may read but not change it.",
    request: { params: ExecutionIdParams },
    responses: {
      202: {
        description: 'Queued as a new execution',
        content: {
          'application/json': {
            schema: z.object({
              execution_id: z.string(),
              agent_id: z.string(),
              status: z.literal('queued'),
              poll_url: z.string(),
              events_url: z.string(),
            }),
          },
        },
      },
      ...errors(401, 403, 404, 409, 503),
    },
  }),
)

export function registerExecutionRoutes(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(workflowRoute, async (c) => {
    const workflow = await c.var.runtime.executions.workflowVisible(
      c.req.valid('param').execution_id,
      c.var.viewer,
    )
    return c.json(
      {
        root_execution_id: workflow.root.record.id,
        execution_count: workflow.executionCount,
        usage: toUsageBody(workflow.usage),
        tree: toNodeBody(workflow.root),
      },
      200,
    )
  })

  app.openapi(retryRoute, async (c) => {
    const record = await c.var.runtime.executions.retry(c.req.valid('param').execution_id, c.var.viewer)
    return queuedResponse(c, record)
  })

  app.openapi(listRoute, async (c) => {
    const query = c.req.valid('query')
    const page = await c.var.runtime.executions.listVisible(
      {
        agentId: query.agent_id,
        sessionId: query.session_id,
        status: query.status,
        rootExecutionId: query.root_execution_id,
        limit: query.limit,
        cursor: query.cursor,
      },
      c.var.viewer,
    )
    return c.json(
      {
        items: page.items.map((record) =>
          toExecutionBody(record, url(c, `/v1/executions/${record.id}/events`)),
        ),
        next_cursor: page.nextCursor,
      },
      200,
    )
  })

  app.openapi(getRoute, async (c) => {
    const id = c.req.valid('param').execution_id
    const { record, steps } = await c.var.runtime.executions.readProgress(id, c.var.viewer)
    return c.json(
      { ...toExecutionBody(record, url(c, `/v1/executions/${id}/events`)), steps: steps.map(toStepBody) },
      200,
    )
  })

  app.openapi(cancelRoute, async (c) => {
    const id = c.req.valid('param').execution_id
    const outcome = await c.var.runtime.executions.cancel(id, c.var.viewer)
    if (outcome === 'terminal') {
      throw new GatewayError('invalid_state', {
        message: 'The execution has already finished.',
        executionId: id,
      })
    }
    if (outcome === 'cancelled') return c.json({ execution_id: id, status: 'cancelled' as const }, 200)
    return c.json({ execution_id: id, status: 'cancel_requested' as const }, 202)
  })
}
