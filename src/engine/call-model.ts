import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4FunctionTool,
  LanguageModelV4Prompt,
} from '@ai-sdk/provider'
import { isRetryableModelError, ModelCallTimeoutError, retryAfterMs } from './models/model-errors.ts'
import { untilAborted } from './until-aborted.ts'

export interface ModelCallRequest {
  model: LanguageModelV4
  prompt: LanguageModelV4Prompt
  tools: LanguageModelV4FunctionTool[]
  temperature: number | undefined
  maxOutputTokens: number | undefined
  /** JSON mode with a schema, for structured output. */
  responseFormat: LanguageModelV4CallOptions['responseFormat']
  /** The run's signal: cancellation and the overall timeout. */
  signal: AbortSignal
  /** Limit of this one call. */
  callTimeoutMs: number
  onText: (delta: string) => void
}

export interface ModelCallResult {
  text: string
  toolCalls: { id: string; name: string; input: string }[]
  inputTokens: number
  outputTokens: number
}

/** One streamed model call. Text deltas go to `onText` as they arrive. */
export async function streamModelCall(request: ModelCallRequest): Promise<ModelCallResult> {
  const timeout = new AbortController()
  const timer = setTimeout(
    () => timeout.abort(new ModelCallTimeoutError(request.callTimeoutMs)),
    request.callTimeoutMs,
  )
  const signal = AbortSignal.any([request.signal, timeout.signal])
  const result: ModelCallResult = { text: '', toolCalls: [], inputTokens: 0, outputTokens: 0 }
  try {
    const { stream } = await untilAborted(
      request.model.doStream({
        prompt: request.prompt,
        ...(request.tools.length > 0 ? { tools: request.tools, toolChoice: { type: 'auto' } } : {}),
        ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
        ...(request.maxOutputTokens !== undefined ? { maxOutputTokens: request.maxOutputTokens } : {}),
        ...(request.responseFormat ? { responseFormat: request.responseFormat } : {}),
        abortSignal: signal,
      }),
      signal,
    )
    const reader = stream.getReader()
    // Cancelling the reader settles a pending read at once (as done), whatever the model's
    // stream does; the abort is then thrown below. Racing each read against the signal instead
    // cost a promise and an abort listener per token.
    const onAbort = () => {
      reader.cancel(signal.reason).catch(() => undefined)
    }
    signal.addEventListener('abort', onAbort, { once: true })
    if (signal.aborted) onAbort()
    try {
      while (true) {
        const { done, value: part } = await reader.read()
        if (done) break
        switch (part.type) {
          case 'text-delta':
            result.text += part.delta
            if (part.delta) request.onText(part.delta)
            break
          case 'tool-call':
            result.toolCalls.push({ id: part.toolCallId, name: part.toolName, input: part.input })
            break
          case 'finish':
            result.inputTokens = part.usage.inputTokens.total ?? 0
            result.outputTokens = part.usage.outputTokens.total ?? 0
            break
          case 'error':
            throw part.error
          default:
            break
        }
      }
    } finally {
      signal.removeEventListener('abort', onAbort)
    }
    if (signal.aborted) throw signal.reason
    return result
  } catch (error) {
    // Report our own per-call timeout rather than the provider's abort error.
    if (timeout.signal.aborted && !request.signal.aborted) throw timeout.signal.reason
    if (request.signal.aborted) throw request.signal.reason
    throw error
  } finally {
    clearTimeout(timer)
  }
}

export interface RetryPolicy {
  maxRetries: number
  /** First backoff delay; doubles each retry, with jitter, capped at 8 s. */
  baseDelayMs: number
  onRetry?: (attempt: number, error: unknown, delayMs: number) => void
}

/**
 * Retries a model call on rate limits, server errors, timeouts and dropped connections — but only
 * while it has produced no text yet, so a retry never duplicates streamed tokens.
 */
export async function callWithRetries(
  request: ModelCallRequest,
  policy: RetryPolicy,
): Promise<ModelCallResult> {
  let emitted = false
  const tracked: ModelCallRequest = {
    ...request,
    onText: (delta) => {
      emitted = true
      request.onText(delta)
    },
  }
  for (let attempt = 0; ; attempt++) {
    try {
      return await streamModelCall(tracked)
    } catch (error) {
      if (request.signal.aborted || emitted || attempt >= policy.maxRetries || !isRetryableModelError(error))
        throw error
      const backoff = Math.min(8000, policy.baseDelayMs * 2 ** attempt) * (0.75 + Math.random() * 0.5)
      const hinted = retryAfterMs(error)
      const delay = hinted !== undefined && hinted <= 30_000 ? Math.max(hinted, backoff) : backoff
      policy.onRetry?.(attempt + 1, error, delay)
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, delay)
        request.signal.addEventListener(
          'abort',
          () => {
            clearTimeout(timer)
            reject(request.signal.reason)
          },
          { once: true },
        )
      })
    }
  }
}
