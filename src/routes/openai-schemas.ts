import { z } from '@hono/zod-openapi'

/** OpenAI's error body, which the OpenAI-compatible routes answer with instead of the envelope. */
export const OpenAIErrorSchema = z
  .object({
    error: z.object({
      message: z.string(),
      type: z
        .string()
        .openapi({ description: '`invalid_request_error`, `authentication_error`, `server_error`…' }),
      param: z.string().nullable().openapi({ description: 'The field at fault, as a JSON pointer.' }),
      code: z.string().openapi({ description: "The gateway's stable error code (`agent_not_found`…)." }),
    }),
  })
  .openapi('OpenAIError')

const content = { 'application/json': { schema: OpenAIErrorSchema } }

const openAIErrorResponses = {
  400: { description: 'Malformed request', content },
  401: { description: 'Missing or invalid credentials', content },
  403: { description: 'Missing scope', content },
  404: { description: 'No such agent', content },
  409: { description: 'The session is busy or belongs to another agent', content },
  413: { description: 'Body too large', content },
  422: { description: 'Validation failed', content },
  500: { description: 'The run failed', content },
  502: { description: 'The model provider failed', content },
  503: { description: 'The agent is disabled or unavailable', content },
  504: { description: 'The run timed out', content },
} as const

/** Picks OpenAI-shaped error responses by status, for the OpenAPI document. */
export function openAIErrors<const S extends keyof typeof openAIErrorResponses>(
  ...statuses: S[]
): Pick<typeof openAIErrorResponses, S> {
  return Object.fromEntries(statuses.map((status) => [status, openAIErrorResponses[status]])) as Pick<
    typeof openAIErrorResponses,
    S
  >
}
