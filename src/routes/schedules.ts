import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import type { ScheduleRecord } from '../core/ports/schedule-store.ts'
import { defineRoute } from '../http/define-route.ts'
import type { GatewayEnv } from '../http/gateway-env.ts'
import { errors } from '../http/openapi-schemas.ts'
import { StatusSchema } from '../http/run-schemas.ts'
import { toScheduleInfo } from '../http/schedule-wire.ts'
import { absoluteUrl, url } from '../http/url.ts'
import type { ScheduleRun } from '../services/schedules/create-schedule-service.ts'
import { TimestampSchema, toTimestamp } from './timestamp.ts'

const tags = ['Schedules']

const NotifySchema = z
  .record(z.string(), z.unknown())
  .nullable()
  .openapi({ description: 'Where run outcomes are announced, e.g. `{channel: webhook, target: ops}`.' })

export const ScheduleSchema = z
  .object({
    id: z.string(),
    agent_id: z.string(),
    name: z.string(),
    source: z.enum(['workspace', 'admin', 'user']),
    owner_id: z.string().nullable(),
    cron_expr: z.string(),
    timezone: z
      .string()
      .openapi({ description: "The schedule's time zone, or the gateway's when it has none." }),
    enabled: z.boolean(),
    message: z.string(),
    input: z.record(z.string(), z.unknown()),
    instructions: z.string().nullable(),
    notify: NotifySchema,
    misfire_grace_seconds: z.number().int().nullable(),
    coalesce: z.boolean().nullable(),
    max_instances: z.number().int().nullable(),
    next_run_at: TimestampSchema.nullable(),
    last_run_at: TimestampSchema.nullable(),
    created_at: TimestampSchema,
    updated_at: TimestampSchema,
  })
  .openapi('Schedule')

const ScheduleRunSchema = z
  .object({
    trigger: z.enum(['schedule', 'manual']),
    fire_time: TimestampSchema,
    status: z.enum(['submitted', 'skipped']),
    reason: z.string().nullable(),
    execution_id: z.string().nullable(),
    execution_status: StatusSchema.nullable(),
    execution_url: z.string().nullable().openapi({ description: 'The execution (prefixed path).' }),
  })
  .openapi('ScheduleRun')

const timingFields = {
  timezone: z.string().nullable().optional(),
  instructions: z.string().max(4000).nullable().optional(),
  notify: NotifySchema.optional(),
  misfire_grace_seconds: z.number().int().min(0).nullable().optional(),
  coalesce: z.boolean().nullable().optional(),
  max_instances: z.number().int().min(1).nullable().optional(),
}

const CreateScheduleSchema = z
  .object({
    agent_id: z.string().min(1).max(64),
    name: z.string().min(1).max(64),
    cron_expr: z.string().min(1).max(200),
    message: z.string().min(1),
    input: z.record(z.string(), z.unknown()).optional(),
    enabled: z.boolean().optional(),
    personal: z
      .boolean()
      .optional()
      .openapi({ description: "An administrator's own schedule instead of an admin schedule." }),
    ...timingFields,
  })
  .strict()
  .openapi('CreateSchedule')

const UpdateScheduleSchema = z
  .object({
    cron_expr: z.string().min(1).max(200).optional(),
    message: z.string().min(1).optional(),
    input: z.record(z.string(), z.unknown()).optional(),
    enabled: z.boolean().optional(),
    ...timingFields,
  })
  .strict()
  .openapi('UpdateSchedule')

const ScheduleIdParams = z.object({
  schedule_id: z
    .string()
    .min(1)
    .max(300)
    .regex(/^[^/\s]+$/)
    .openapi({ param: { name: 'schedule_id', in: 'path' }, example: 'briefer:weekday' }),
})

const json = <T extends z.ZodType>(description: string, schema: T) => ({
  description,
  content: { 'application/json': { schema } },
})

const listRoute = defineRoute(
  { id: 'schedules.list', surface: 'api', scopes: ['schedules:read'] },
  createRoute({
    operationId: 'listSchedules',
    method: 'get',
    path: '/v1/schedules',
    tags,
    summary: 'List schedules',
    description:
      'Administrators see every schedule (workspace, admin and users\'); other callers see their own ("my schedules").',
    request: { query: z.object({ agent_id: z.string().optional() }) },
    responses: {
      200: json('The schedules', z.object({ items: z.array(ScheduleSchema) }).openapi('ScheduleList')),
      ...errors(401, 403, 422),
    },
  }),
)

const getRoute = defineRoute(
  { id: 'schedules.get', surface: 'api', scopes: ['schedules:read'] },
  createRoute({
    operationId: 'getSchedule',
    method: 'get',
    path: '/v1/schedules/{schedule_id}',
    tags,
    summary: 'Get a schedule',
    request: { params: ScheduleIdParams },
    responses: { 200: json('The schedule', ScheduleSchema), ...errors(401, 403, 404, 422) },
  }),
)

const createScheduleRoute = defineRoute(
  { id: 'schedules.create', surface: 'api', scopes: ['schedules:write'] },
  createRoute({
    operationId: 'createSchedule',
    method: 'post',
    path: '/v1/schedules',
    tags,
    summary: 'Create a schedule',
    description:
      'Administrators create admin schedules (`admin:<agent>:<name>`, or their own with `personal: true`); other callers create schedules they own. 409 when the name is taken, 422 for a bad cron expression or time zone.',
    request: { body: { content: { 'application/json': { schema: CreateScheduleSchema } }, required: true } },
    responses: { 201: json('Created', ScheduleSchema), ...errors(400, 401, 403, 404, 409, 422) },
  }),
)

const updateRoute = defineRoute(
  { id: 'schedules.update', surface: 'api', scopes: ['schedules:write'] },
  createRoute({
    operationId: 'updateSchedule',
    method: 'patch',
    path: '/v1/schedules/{schedule_id}',
    tags,
    summary: 'Change a schedule',
    description:
      'A workspace schedule is defined by its AGENT.md: only `enabled` changes here (400 otherwise). A new cron expression or time zone starts from the next tick.',
    request: {
      params: ScheduleIdParams,
      body: { content: { 'application/json': { schema: UpdateScheduleSchema } }, required: true },
    },
    responses: { 200: json('The changed schedule', ScheduleSchema), ...errors(400, 401, 403, 404, 422) },
  }),
)

const deleteRoute = defineRoute(
  { id: 'schedules.delete', surface: 'api', scopes: ['schedules:write'] },
  createRoute({
    operationId: 'deleteSchedule',
    method: 'delete',
    path: '/v1/schedules/{schedule_id}',
    tags,
    summary: 'Delete a schedule',
    description: 'Admin and user schedules only; a workspace schedule answers 400 (remove it from AGENT.md).',
    request: { params: ScheduleIdParams },
    responses: {
      200: json('Deleted', z.object({ schedule_id: z.string(), status: z.literal('deleted') })),
      ...errors(400, 401, 403, 404, 422),
    },
  }),
)

const StatusChangeSchema = z
  .object({ schedule_id: z.string(), status: z.enum(['paused', 'resumed']), schedule: ScheduleSchema })
  .openapi('ScheduleStatusChange')

function toggleRoute(action: 'pause' | 'resume') {
  return defineRoute(
    { id: `schedules.${action}`, surface: 'api', scopes: ['schedules:write'] },
    createRoute({
      operationId: `${action}Schedule`,
      method: 'post',
      path: `/v1/schedules/{schedule_id}/${action}`,
      tags,
      summary: action === 'pause' ? 'Pause a schedule' : 'Resume a schedule',
      description:
        action === 'pause'
          ? 'No tick fires while paused; the pause survives restarts.'
          : 'Fires again from the next tick after now; ticks missed while paused are not run.',
      request: { params: ScheduleIdParams },
      responses: {
        200: json(action === 'pause' ? 'Paused' : 'Resumed', StatusChangeSchema),
        ...errors(401, 403, 404, 422),
      },
    }),
  )
}
const pauseRoute = toggleRoute('pause')
const resumeRoute = toggleRoute('resume')

const triggerRoute = defineRoute(
  { id: 'schedules.trigger', surface: 'api', scopes: ['schedules:write'] },
  createRoute({
    operationId: 'triggerSchedule',
    method: 'post',
    path: '/v1/schedules/{schedule_id}/trigger',
    tags,
    summary: 'Run a schedule now',
    description:
      'Queues a run recorded as `manual`; the next tick is neither consumed nor moved. `Location` has the absolute URL of the execution.',
    request: { params: ScheduleIdParams },
    responses: {
      202: json(
        'Queued',
        z
          .object({
            status: z.literal('triggered'),
            schedule_id: z.string(),
            execution_id: z.string(),
            poll_url: z.string(),
          })
          .openapi('ScheduleTriggered'),
      ),
      ...errors(401, 403, 404, 422, 503),
    },
  }),
)

const runsRoute = defineRoute(
  { id: 'schedules.runs', surface: 'api', scopes: ['schedules:read'] },
  createRoute({
    operationId: 'listScheduleRuns',
    method: 'get',
    path: '/v1/schedules/{schedule_id}/runs',
    tags,
    summary: "A schedule's recent runs",
    description: 'Ticks that ran or were skipped (and why) and manual runs, newest first.',
    request: {
      params: ScheduleIdParams,
      query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(20) }),
    },
    responses: {
      200: json(
        'Recent runs',
        z
          .object({
            schedule_id: z.string(),
            next_run_at: TimestampSchema.nullable(),
            last_run_at: TimestampSchema.nullable(),
            items: z.array(ScheduleRunSchema),
          })
          .openapi('ScheduleRuns'),
      ),
      ...errors(401, 403, 404, 422),
    },
  }),
)

type Changes = z.infer<typeof UpdateScheduleSchema>

/** The API's snake_case changes as the service takes them. */
function toChanges(body: Changes) {
  return {
    cron: body.cron_expr,
    message: body.message,
    input: body.input,
    enabled: body.enabled,
    timezone: body.timezone,
    instructions: body.instructions,
    notify: body.notify,
    misfireGraceSeconds: body.misfire_grace_seconds,
    coalesce: body.coalesce,
    maxInstances: body.max_instances,
  }
}

export function registerScheduleRoutes(app: OpenAPIHono<GatewayEnv>): void {
  const body = (c: { var: GatewayEnv['Variables'] }, record: ScheduleRecord) =>
    toScheduleInfo(record, c.var.runtime.config.timezone)

  app.openapi(listRoute, async (c) => {
    const records = await c.var.runtime.schedules.listVisible(c.var.viewer, {
      agentId: c.req.valid('query').agent_id,
    })
    return c.json({ items: records.map((record) => body(c, record)) }, 200)
  })

  app.openapi(getRoute, async (c) => {
    const record = await c.var.runtime.schedules.getVisible(c.req.valid('param').schedule_id, c.var.viewer)
    return c.json(body(c, record), 200)
  })

  app.openapi(createScheduleRoute, async (c) => {
    const draft = c.req.valid('json')
    const record = await c.var.runtime.schedules.create(
      {
        ...toChanges(draft),
        agentId: draft.agent_id,
        name: draft.name,
        cron: draft.cron_expr,
        message: draft.message,
        personal: draft.personal,
      },
      c.var.viewer,
    )
    c.header('Location', absoluteUrl(c, `/v1/schedules/${encodeURIComponent(record.id)}`))
    return c.json(body(c, record), 201)
  })

  app.openapi(updateRoute, async (c) => {
    const record = await c.var.runtime.schedules.update(
      c.req.valid('param').schedule_id,
      toChanges(c.req.valid('json')),
      c.var.viewer,
    )
    return c.json(body(c, record), 200)
  })

  app.openapi(deleteRoute, async (c) => {
    const id = c.req.valid('param').schedule_id
    await c.var.runtime.schedules.delete(id, c.var.viewer)
    return c.json({ schedule_id: id, status: 'deleted' as const }, 200)
  })

  for (const [route, enabled] of [
    [pauseRoute, false],
    [resumeRoute, true],
  ] as const) {
    app.openapi(route, async (c) => {
      const id = c.req.valid('param').schedule_id
      const record = await c.var.runtime.schedules.setEnabled(id, enabled, c.var.viewer)
      return c.json(
        {
          schedule_id: id,
          status: enabled ? ('resumed' as const) : ('paused' as const),
          schedule: body(c, record),
        },
        200,
      )
    })
  }

  app.openapi(triggerRoute, async (c) => {
    const id = c.req.valid('param').schedule_id
    const { executionId } = await c.var.runtime.schedules.trigger(id, c.var.viewer)
    c.header('Location', absoluteUrl(c, `/v1/executions/${executionId}`))
    return c.json(
      {
        status: 'triggered' as const,
        schedule_id: id,
        execution_id: executionId,
        poll_url: url(c, `/v1/executions/${executionId}`),
      },
      202,
    )
  })

  app.openapi(runsRoute, async (c) => {
    const id = c.req.valid('param').schedule_id
    const record = await c.var.runtime.schedules.getVisible(id, c.var.viewer)
    const runs = await c.var.runtime.schedules.runs(id, c.var.viewer, c.req.valid('query').limit)
    return c.json(
      {
        schedule_id: id,
        next_run_at: toTimestamp(record.nextRunAt),
        last_run_at: toTimestamp(record.lastRunAt),
        items: runs.map((run: ScheduleRun) => ({
          trigger: run.trigger,
          fire_time: toTimestamp(run.fireTime),
          status: run.status,
          reason: run.reason,
          execution_id: run.executionId,
          execution_status: run.executionStatus,
          execution_url: run.executionId ? url(c, `/v1/executions/${run.executionId}`) : null,
        })),
      },
      200,
    )
  })
}
