import { z } from '@hono/zod-openapi'

export const maxMessageChars = 102_400

export const UsageSchema = z
  .object({
    input_tokens: z.number().int(),
    output_tokens: z.number().int(),
    cost_usd: z.number(),
    llm_calls: z.number().int(),
    tool_calls: z.number().int(),
    models_used: z.array(z.string()),
    duration_ms: z.number().int(),
  })
  .openapi('Usage')

export const RunErrorSchema = z
  .object({ code: z.string(), message: z.string() })
  .nullable()
  .openapi('RunError', { description: 'Why the run failed, timed out or was cancelled.' })

export const StatusSchema = z.enum([
  'queued',
  'running',
  'awaiting_approval',
  'completed',
  'failed',
  'cancelled',
  'timeout',
])
export const StopReasonSchema = z.enum([
  'completed',
  'max_iterations',
  'max_tool_calls',
  'timeout',
  'cancelled',
  'error',
  'awaiting_approval',
])

export const ResultSchema = z
  .object({
    output: z
      .unknown()
      .openapi({ description: 'JSON matching the output schema when there is one, else the text.' }),
    raw_text: z.string(),
    validation_errors: z.array(z.object({ path: z.string(), message: z.string() })).nullable(),
  })
  .openapi('RunResult')

export const sseContent = {
  'text/event-stream': {
    schema: z.string().openapi({
      description:
        'Server-sent events: `session`, `token`, `tool_call`, `tool_result`, `approval_required`, `error`, and always `done` last. See docs/streaming.md.',
    }),
  },
}
