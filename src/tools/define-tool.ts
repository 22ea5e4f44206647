import { z } from 'zod'
import { ConfigError } from '../core/errors.ts'
import type { JsonSchema } from '../core/workspace/tool-parameters.ts'
import type { RegisteredTool, ToolContext } from './tool-types.ts'

type ZodObjectLike = z.ZodType<Record<string, unknown>>

/** A tool declared in code with `gw.tool({...})`. */
export interface CodeToolOptions<Args extends Record<string, unknown> = Record<string, unknown>> {
  /** Tool name the model calls; letters, digits, `_` and `-`. */
  name: string
  description: string
  /** A zod object schema or a JSON Schema for the arguments. @default no arguments */
  parameters?: z.ZodType<Args> | JsonSchema
  /** Restrict to these agent ids. @default any agent whose skills list the tool */
  allowedAgents?: string[]
  /**
   * Every call waits for a human's decision (`POST /v1/executions/{id}/approvals`): the run
   * pauses before it with status `awaiting_approval`. @default false
   */
  requireApproval?: boolean
  /** Time limit of one call. @default the run's remaining time */
  timeoutMs?: number
  /**
   * Calling it twice with the same arguments does no more than calling it once. A retried run
   * runs an unfinished call of an idempotent tool again; otherwise see `onInterrupted`.
   * @default false
   */
  idempotent?: boolean
  /**
   * What a retried run does with a call of this (non-idempotent) tool that the crashed attempt
   * started but did not finish: `tell_model` gives the model an error result saying the call
   * may or may not have taken effect; `fail` ends the run with the error code `tool_interrupted`.
   * @default 'tell_model'
   */
  onInterrupted?: 'tell_model' | 'fail'
  /** Extra guidance for the model. */
  instructions?: string
  handler: (args: Args, context: ToolContext) => unknown
}

const namePattern = /^[A-Za-z0-9_-]{1,64}$/

function isZodSchema(value: unknown): value is ZodObjectLike {
  return typeof value === 'object' && value !== null && '_zod' in value
}

/** Validates a code tool declaration and turns it into a registered tool. */
export function defineTool<Args extends Record<string, unknown>>(
  options: CodeToolOptions<Args>,
): RegisteredTool {
  if (!namePattern.test(options.name)) {
    throw new ConfigError({
      keyPath: `tool(${options.name})`,
      message: 'tool names use letters, digits, _ and - (max 64)',
    })
  }
  if (typeof options.handler !== 'function') {
    throw new ConfigError({ keyPath: `tool(${options.name})`, message: 'handler must be a function' })
  }
  let parameters: JsonSchema
  if (options.parameters === undefined) {
    parameters = { type: 'object', properties: {}, additionalProperties: false }
  } else if (isZodSchema(options.parameters)) {
    const { $schema: _ignored, ...schema } = z.toJSONSchema(options.parameters, {
      target: 'draft-2020-12',
      io: 'input',
    }) as JsonSchema
    parameters = schema
  } else {
    parameters = options.parameters
  }
  if (parameters.type !== 'object') {
    throw new ConfigError({
      keyPath: `tool(${options.name}).parameters`,
      message: 'parameters must describe an object',
    })
  }
  return {
    name: options.name,
    description: options.description,
    parameters,
    source: 'code',
    allowedAgents: options.allowedAgents ?? null,
    requireApproval: options.requireApproval ?? false,
    timeoutMs: options.timeoutMs,
    idempotent: options.idempotent ?? false,
    onInterrupted: options.onInterrupted ?? 'tell_model',
    instructions: options.instructions ?? '',
    handler: options.handler as RegisteredTool['handler'],
    file: undefined,
  }
}
