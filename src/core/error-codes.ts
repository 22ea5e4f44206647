/**
 * The registry of every error code the gateway puts in an error envelope. Codes are stable
 * lower_snake strings: clients branch on them, so a code is never renamed once shipped.
 */
export const errorCodes = {
  bad_request: { status: 400, message: 'The request is invalid.' },
  invalid_json: { status: 400, message: 'The request body is not valid JSON.' },
  invalid_form: { status: 400, message: 'The request body is not a valid form.' },
  validation_failed: { status: 422, message: 'The request did not match the expected schema.' },
  input_validation_failed: { status: 422, message: 'The input did not match the agent input schema.' },
  route_not_found: { status: 404, message: 'No route matches this path.' },
  method_not_allowed: { status: 405, message: 'This method is not allowed on this route.' },
  payload_too_large: { status: 413, message: 'The request body is too large.' },
  unsupported_media_type: { status: 415, message: 'The request body must be application/json.' },
  agent_not_found: { status: 404, message: 'Agent not found.' },
  skill_not_found: { status: 404, message: 'Skill not found.' },
  tool_not_found: { status: 404, message: 'Tool not found.' },
  session_not_found: { status: 404, message: 'Session not found.' },
  execution_not_found: { status: 404, message: 'Execution not found.' },
  mcp_server_not_found: { status: 404, message: 'MCP server not found.' },
  mcp_server_exists: { status: 409, message: 'An MCP server with this name exists.' },
  mcp_server_read_only: {
    status: 409,
    message: 'This MCP server is defined in gateway.yaml; change it there.',
  },
  secret_key_missing: {
    status: 503,
    message: 'The gateway has no secret key to encrypt credentials (set AGW_SECRET_KEY or secrets.key).',
  },
  schedule_not_found: { status: 404, message: 'Schedule not found.' },
  schedule_conflict: { status: 409, message: 'A schedule with this name already exists.' },
  delivery_not_found: { status: 404, message: 'Notification delivery not found.' },
  config_not_found: { status: 404, message: 'No setup of this agent exists for the caller.' },
  not_personal_agent: { status: 400, message: 'The agent is not a personal agent.' },
  memory_disabled: { status: 400, message: 'The agent does not have memory enabled.' },
  setup_required: { status: 409, message: 'The agent needs the caller to complete its setup first.' },
  session_agent_mismatch: { status: 409, message: 'The session belongs to another agent.' },
  session_busy: { status: 409, message: 'Another turn is running on this session.' },
  idempotency_key_reused: {
    status: 422,
    message: 'This Idempotency-Key was already used with a different request.',
  },
  idempotency_key_in_use: {
    status: 409,
    message: 'The request with this Idempotency-Key is still being processed.',
  },
  invalid_state: { status: 409, message: 'The resource is not in a state that allows this action.' },
  agent_disabled: { status: 503, message: 'The agent is disabled.' },
  agent_unavailable: { status: 503, message: 'The agent cannot run with its current configuration.' },
  streaming_not_supported: { status: 400, message: 'Streaming is not available for queued executions.' },
  workspace_invalid: {
    status: 422,
    message: 'The workspace files have errors; the loaded version keeps serving.',
  },
  workspace_unavailable: { status: 503, message: 'The workspace could not be loaded.' },
  gateway_unavailable: { status: 503, message: 'The gateway is not running.' },
  shutting_down: { status: 503, message: 'The gateway is shutting down; retry on another instance.' },
  model_error: { status: 502, message: 'The model provider failed.' },
  execution_error: { status: 500, message: 'The execution failed.' },
  auth_required: { status: 401, message: 'Authentication is required.' },
  invalid_credentials: { status: 401, message: 'The credentials are invalid.' },
  insufficient_scope: { status: 403, message: 'The credentials lack a required scope.' },
  forbidden: { status: 403, message: 'This action is not allowed.' },
  rate_limited: { status: 429, message: 'Too many requests.' },
  internal_error: { status: 500, message: 'An internal error occurred.' },
} as const satisfies Record<string, { status: number; message: string }>

/** A stable error code, as sent in `error.code` of the envelope. */
export type ErrorCode = keyof typeof errorCodes
