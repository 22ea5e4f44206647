import type { GatewayError } from '../core/errors.ts'

/** The error body of OpenAI's API: `{"error": {"message", "type", "param", "code"}}`. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string }
}

/** OpenAI's error `type` for an HTTP status; clients branch on the status, some on the type. */
function openAIErrorType(status: number): string {
  if (status === 401) return 'authentication_error'
  if (status === 403) return 'permission_error'
  if (status === 404) return 'not_found_error'
  if (status === 429) return 'rate_limit_error'
  if (status >= 500) return 'server_error'
  return 'invalid_request_error'
}

/**
 * A gateway error in OpenAI's error shape, for the OpenAI-compatible routes only. `code` keeps
 * the gateway's stable code (`agent_not_found`, `auth_required`…); `param` names the first field
 * at fault, as a JSON pointer (`/body/messages/0/content`), when there is one.
 */
export function toOpenAIErrorBody(error: GatewayError): OpenAIErrorBody {
  return {
    error: {
      message: error.message,
      type: openAIErrorType(error.status),
      param: error.details?.[0]?.path ?? null,
      code: error.code,
    },
  }
}
