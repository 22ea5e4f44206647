import type { Context } from 'hono'
import { toGatewayError } from '../core/errors.ts'
import type { EngineEvent } from '../core/execution-types.ts'
import type { ChatOutcome, RunOutcome } from '../services/agent-runner.ts'
import type { GatewayEnv } from './gateway-env.ts'
import { toOpenAIErrorBody } from './openai-error.ts'
import { contentOf, finishReasonOf, runFailure, toOpenAIUsage } from './openai-wire.ts'
import { requestLogger } from './request-logger.ts'
import { sseResponse } from './sse.ts'

/** What a completion run is told: its cancel signal, and where ids and engine events go. */
export interface CompletionHooks {
  signal: AbortSignal
  onStart?: (ids: { executionId: string; sessionId: string | undefined }) => void
  onEvent?: (event: EngineEvent) => void
}

/** Runs the agent for a completion (an invoke with history, or a chat turn on a session). */
export type CompletionRun = (hooks: CompletionHooks) => Promise<RunOutcome | ChatOutcome>

export interface StreamCompletionOptions {
  /** The agent id, echoed as `model`. */
  model: string
  /** The answer is structured output: sent whole at the end, not token by token. */
  structured: boolean
  /** `stream_options.include_usage`: a last chunk with `usage` and no choices. */
  includeUsage: boolean
  /** The run finished before (an idempotent replay): its answer goes out in one content chunk. */
  replayed: boolean
}

/**
 * Streams a run as OpenAI `chat.completion.chunk` frames (`data: {…}` only, no event names),
 * always ending with `data: [DONE]`: a role chunk once the execution exists, content deltas as
 * tokens arrive, a last chunk with `finish_reason`, and the usage chunk when asked for. A run
 * that fails sends OpenAI's error object as a frame (clients raise it) before `[DONE]`.
 *
 * Structured answers are sent in one piece once validated: streaming the raw tokens would show
 * a rejected first attempt when the engine asks the model for a correction.
 */
export function streamCompletion(
  c: Context<GatewayEnv>,
  run: CompletionRun,
  options: StreamCompletionOptions,
): Response {
  const runtime = c.get('runtime')
  const created = Math.floor(Date.now() / 1000)
  return sseResponse({
    keepaliveMs: runtime.config.server.sseKeepaliveSeconds * 1000,
    requestSignal: c.req.raw.signal,
    onError: (error) => requestLogger(c).error({ err: error }, 'completion stream failed'),
    run: async (sink) => {
      let id = ''
      const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) =>
        sink.sendData(
          JSON.stringify({
            id,
            object: 'chat.completion.chunk',
            created,
            model: options.model,
            choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
          }),
        )
      try {
        const outcome = await run({
          signal: AbortSignal.any([c.req.raw.signal, sink.signal]),
          onStart: (ids) => {
            id = ids.executionId
            chunk({ role: 'assistant', content: '' })
          },
          onEvent: (event) => {
            if (event.type === 'token' && !options.structured && event.content)
              chunk({ content: event.content })
          },
        })
        const failure = runFailure(outcome.result, outcome.executionId)
        if (failure) {
          sink.sendData(JSON.stringify(toOpenAIErrorBody(failure)))
        } else {
          if (options.structured || options.replayed)
            chunk({ content: contentOf(outcome.result, options.structured) })
          chunk({}, finishReasonOf(outcome.result.stopReason))
          if (options.includeUsage) {
            sink.sendData(
              JSON.stringify({
                id,
                object: 'chat.completion.chunk',
                created,
                model: options.model,
                choices: [],
                usage: toOpenAIUsage(outcome.result),
              }),
            )
          }
        }
      } catch (error) {
        sink.sendData(JSON.stringify(toOpenAIErrorBody(toGatewayError(error))))
      }
      sink.sendData('[DONE]')
    },
  })
}
