import { APICallError } from '@ai-sdk/provider'

/** Raised when one model call exceeds `model.call_timeout_ms` (the run itself may go on). */
export class ModelCallTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`the model did not answer within ${timeoutMs} ms`)
    this.name = 'ModelCallTimeoutError'
  }
}

/** Raised for a model id whose provider is unknown or not configured. */
export class ModelResolutionError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ModelResolutionError'
  }
}

const networkCodes = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
])

function causeCode(error: unknown): string | undefined {
  let current: unknown = error
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string') return code
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

/**
 * Whether retrying the same call can help: rate limits, server errors, timeouts and dropped
 * connections — never bad credentials, bad requests or content refusals.
 */
export function isRetryableModelError(error: unknown): boolean {
  if (error instanceof ModelCallTimeoutError) return true
  if (APICallError.isInstance(error)) return error.isRetryable
  const code = causeCode(error)
  if (code && networkCodes.has(code)) return true
  return error instanceof TypeError && /fetch failed|terminated|socket/i.test(error.message)
}

/** Seconds from a `Retry-After` header, when a provider sent a usable one. */
export function retryAfterMs(error: unknown): number | undefined {
  if (!APICallError.isInstance(error)) return undefined
  const value = error.responseHeaders?.['retry-after']
  if (!value) return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(value)
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined
}

/**
 * Hides the configured secrets (`redactSecrets`), then anything shaped like a credential, in a
 * provider message — before it is shortened, so a cut can never leave half a key behind.
 */
function redact(text: string, redactSecrets: (text: string) => string): string {
  return redactSecrets(text)
    .replace(/\b(sk|pk|rk|key|tok)[-_][A-Za-z0-9_*-]{6,}/gi, '[redacted]')
    .replace(/[A-Za-z0-9_-]{32,}/g, '[redacted]')
}

/**
 * A short, safe description of a model failure for callers and logs. `redactSecrets` removes
 * configured secrets: providers such as vLLM echo the key they were sent in their errors.
 */
export function describeModelError(
  error: unknown,
  redactSecrets: (text: string) => string = (text) => text,
): string {
  if (error instanceof ModelCallTimeoutError || error instanceof ModelResolutionError)
    return redactSecrets(error.message)
  if (APICallError.isInstance(error)) {
    const status = error.statusCode
    if (status === 401 || status === 403) return `the model provider refused the credentials (${status})`
    const detail = redact(error.message, redactSecrets).slice(0, 300)
    return status ? `the model provider answered ${status}: ${detail}` : `the model call failed: ${detail}`
  }
  const message = error instanceof Error ? error.message : String(error)
  return `the model call failed: ${redact(message, redactSecrets).slice(0, 300)}`
}

/** Whether an error came from talking to a model (as opposed to a bug in the gateway). */
export function isModelError(error: unknown): boolean {
  return (
    APICallError.isInstance(error) ||
    error instanceof ModelCallTimeoutError ||
    error instanceof ModelResolutionError ||
    isRetryableModelError(error) ||
    (error instanceof Error && /^AI_/.test(error.name))
  )
}
