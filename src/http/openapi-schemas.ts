import { z } from '@hono/zod-openapi'
import { errorCodes } from '../core/error-codes.ts'

export const ErrorEnvelopeSchema = z
  .object({
    error: z.object({
      code: z
        .enum(Object.keys(errorCodes) as [keyof typeof errorCodes, ...(keyof typeof errorCodes)[]])
        .openapi({
          description: 'Stable machine-readable code.',
        }),
      message: z.string().openapi({ description: 'Human-readable explanation.' }),
      details: z
        .array(z.object({ path: z.string(), message: z.string() }).catchall(z.unknown()))
        .optional()
        .openapi({ description: 'Per-field problems, for validation errors.' }),
      execution_id: z
        .string()
        .optional()
        .openapi({ description: 'The execution the error belongs to, if any.' }),
      setup_url: z.string().optional().openapi({
        description: 'With `setup_required`: where the caller completes the setup of the personal agent.',
      }),
    }),
  })
  .openapi('ErrorEnvelope')

const errorContent = { 'application/json': { schema: ErrorEnvelopeSchema } }

/** Error responses shared by routes, for the OpenAPI document. */
export const errorResponses = {
  400: { description: 'Malformed request', content: errorContent },
  401: { description: 'Missing or invalid credentials', content: errorContent },
  403: { description: 'Missing scope', content: errorContent },
  404: { description: 'Not found', content: errorContent },
  409: { description: 'Conflict with the current state', content: errorContent },
  413: { description: 'Body too large', content: errorContent },
  422: { description: 'Validation failed', content: errorContent },
  429: { description: 'Rate limited', content: errorContent },
  500: { description: 'Internal error', content: errorContent },
  503: { description: 'Unavailable', content: errorContent },
} as const

/** Picks shared error responses by status. */
export function errors<const S extends keyof typeof errorResponses>(
  ...statuses: S[]
): Pick<typeof errorResponses, S> {
  return Object.fromEntries(statuses.map((status) => [status, errorResponses[status]])) as Pick<
    typeof errorResponses,
    S
  >
}
