import { z } from 'zod'
import { agentMemorySchema } from '../config/memory-settings.ts'
import { agentModelSchema } from '../config/schema.ts'
import { checkCron, isKnownTimezone } from '../schedules/cron.ts'

/** Ids of agents, skills and tools come from directory names and must match this. */
export const idPattern = /^[a-z0-9][a-z0-9_-]{0,63}$/

const jsonSchemaObject = z.record(z.string(), z.unknown())

const scheduleNotifySchema = z.object({
  channel: z.enum(['slack', 'webhook']),
  /** A named webhook endpoint or a Slack channel. */
  target: z.string().optional(),
  url: z.string().url().optional(),
  onComplete: z.boolean().default(true),
  onError: z.boolean().default(true),
  onTimeout: z.boolean().default(true),
})

const scheduleSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, . _ - only'),
    /** 5 fields, 6 with seconds, or an alias like `@daily` (see `core/schedules/cron.ts`). */
    cron: z.string().min(1),
    message: z.string().min(1),
    input: z.record(z.string(), z.unknown()).default({}),
    enabled: z.boolean().default(true),
    timezone: z.string().refine(isKnownTimezone, { message: 'not a known IANA time zone' }).optional(),
    instructions: z.string().max(4000).optional(),
    /** Where this schedule's run outcomes are announced, besides the agent's `notifications`. */
    notify: scheduleNotifySchema.optional(),
    /** Overrides of the gateway's `scheduler` section for this schedule. */
    misfireGraceSeconds: z.number().int().min(0).optional(),
    coalesce: z.boolean().optional(),
    maxInstances: z.number().int().min(1).optional(),
  })
  .superRefine((schedule, context) => {
    const problem = checkCron(schedule.cron, schedule.timezone ?? 'UTC')
    if (problem && !problem.includes('time zone'))
      context.addIssue({ code: 'custom', path: ['cron'], message: problem })
  })

const notificationTarget = z.object({
  channel: z.enum(['slack', 'webhook']),
  target: z.string().optional(),
  url: z.string().url().optional(),
  template: z.string().optional(),
  payloadTemplate: z.string().optional(),
})

/** Frontmatter of `agents/<id>/AGENT.md`; the body is the agent's prompt. */
export const agentFrontmatterSchema = z.object({
  description: z.string().default(''),
  displayName: z.string().nullable().default(null),
  tags: z.array(z.string()).default([]),
  version: z
    .union([z.string(), z.number()])
    .transform((value) => String(value))
    .nullable()
    .default(null),
  enabled: z.boolean().default(true),
  skills: z.array(z.string()).default([]),
  /** Tools the agent may call directly, besides those of its skills. */
  tools: z.array(z.string()).default([]),
  model: z.union([z.string().min(1), agentModelSchema]).optional(),
  executionMode: z.enum(['sync', 'async']).default('sync'),
  schedules: z
    .array(scheduleSchema)
    .superRefine((schedules, context) => {
      const seen = new Set<string>()
      schedules.forEach((schedule, index) => {
        if (seen.has(schedule.name))
          context.addIssue({
            code: 'custom',
            path: [index, 'name'],
            message: `duplicate schedule name "${schedule.name}"`,
          })
        seen.add(schedule.name)
      })
    })
    .default([]),
  notifications: z
    .object({
      onComplete: z.array(notificationTarget).default([]),
      onError: z.array(notificationTarget).default([]),
      onTimeout: z.array(notificationTarget).default([]),
      /** Where `execution.awaiting_approval` goes: approvers to tell that a call waits. */
      onApproval: z.array(notificationTarget).default([]),
    })
    .prefault({}),
  inputSchema: jsonSchemaObject.nullable().default(null),
  outputSchema: jsonSchemaObject.nullable().default(null),
  scope: z.enum(['global', 'personal']).default('global'),
  setupSchema: jsonSchemaObject.nullable().default(null),
  delegatesTo: z.array(z.string()).default([]),
  /** Tool calls of this agent that wait for a human's approval: `true` for all, or tool names. */
  requireApproval: z.union([z.boolean(), z.array(z.string())]).default(false),
  /** Extra context files, relative to the workspace root. */
  context: z.array(z.string()).default([]),
  retrievers: z.array(z.string()).default([]),
  /** `true`, `false` or `{enabled, auto_extract, max_injected_chars, max_memory_md_lines}`. */
  memory: agentMemorySchema,
  mcpServers: z.array(z.string()).default([]),
  /** Per-agent guardrail overrides. */
  guardrails: z
    .object({
      maxToolCalls: z.number().int().min(0).optional(),
      maxIterations: z.number().int().min(1).optional(),
      timeoutMs: z.number().int().min(1).optional(),
    })
    .prefault({}),
})

const stepInput = z.record(z.string(), z.unknown())

const workflowStepSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only'),
    tool: z.string().optional(),
    tools: z
      .array(z.object({ tool: z.string(), input: stepInput.default({}) }))
      .min(1)
      .max(10, 'a parallel step fans out to at most 10 tools')
      .optional(),
    prompt: z.string().optional(),
    systemPrompt: z.string().optional(),
    input: stepInput.default({}),
  })
  .refine((step) => [step.tool, step.tools, step.prompt].filter((kind) => kind !== undefined).length === 1, {
    message: 'a step needs exactly one of tool, tools or prompt',
  })

/** Frontmatter of `skills/<id>/SKILL.md`; the body holds the skill's instructions. */
export const skillFrontmatterSchema = z.object({
  name: z.string().optional(),
  description: z.string().default(''),
  tools: z.array(z.string()).default([]),
  steps: z
    .array(workflowStepSchema)
    .optional()
    .refine((steps) => !steps || new Set(steps.map((step) => step.name)).size === steps.length, {
      message: 'step names must be unique',
    }),
})

/** Frontmatter of `tools/<id>/TOOL.md`; the body holds instructions for the model. */
export const toolFrontmatterSchema = z.object({
  name: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only')
    .optional(),
  description: z.string().default(''),
  /** A flat map `{param: {type, description, required, enum, default}}` or a full JSON Schema. */
  parameters: z.record(z.string(), z.unknown()).nullable().default(null),
  permissions: z
    .object({
      allowedAgents: z.array(z.string()).optional(),
      requireApproval: z.boolean().default(false),
    })
    .prefault({}),
  timeoutMs: z.number().int().min(1).optional(),
  /** Calling it twice with the same arguments does no more than calling it once. */
  idempotent: z.boolean().default(false),
  /** What a retried run does with a non-idempotent call its crashed attempt left unfinished. */
  onInterrupted: z.enum(['tell_model', 'fail']).default('tell_model'),
})

export type AgentFrontmatter = z.output<typeof agentFrontmatterSchema>
export type SkillFrontmatter = z.output<typeof skillFrontmatterSchema>
export type ToolFrontmatter = z.output<typeof toolFrontmatterSchema>
export type WorkflowStep = z.output<typeof workflowStepSchema>
export type ScheduleDefinition = z.output<typeof scheduleSchema>
