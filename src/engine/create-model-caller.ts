import type { LanguageModelV4FunctionTool, LanguageModelV4Prompt } from '@ai-sdk/provider'
import type { EngineEvent, Usage } from '../core/execution-types.ts'
import type { AgentDefinition } from '../core/workspace/model.ts'
import type { JsonSchema } from '../core/workspace/tool-parameters.ts'
import { callWithRetries, type ModelCallResult } from './call-model.ts'
import type { EngineDependencies } from './engine-dependencies.ts'
import { describeModelError, isRetryableModelError } from './models/model-errors.ts'
import { costOf, findPrice } from './models/pricing.ts'
import { SpanKind, withSpan } from './telemetry/with-span.ts'

const maxTraceTextChars = 2048

/** One model call of a run. */
export interface ModelCallOptions {
  prompt: LanguageModelV4Prompt
  tools: LanguageModelV4FunctionTool[]
  /** JSON mode with a schema, for structured output. */
  responseFormat?: { type: 'json'; schema: JsonSchema } | undefined
  /** Receives text deltas as they stream in. */
  onText?: (delta: string) => void
}

/** A model call's answer, with the model that gave it and what it cost. */
export interface TracedModelCallResult extends ModelCallResult {
  /** Canonical id of the model that answered (the fallback, when it did). */
  model: string
  costUsd: number
}

/** Calls the run's model: retries, the fallback model, hooks, usage and the trace included. */
export type ModelCaller = (options: ModelCallOptions) => Promise<TracedModelCallResult>

export interface ModelCallerOptions {
  agent: AgentDefinition
  executionId: string
  /** The run's signal: cancellation and the run's time limit. */
  signal: AbortSignal
  /** Added to after every call, failed ones included. */
  usage: Usage
  emit: (event: EngineEvent) => void
}

/**
 * The model caller of one run. Each call is retried on transient failures before any text
 * streamed; when the agent's model still fails that way, the fallback model answers instead.
 * Every attempt is counted in `usage`, traced as an `llm_call` event and reported to the
 * `llm.call.*` hooks.
 */
export function createModelCaller(deps: EngineDependencies, options: ModelCallerOptions): ModelCaller {
  const { agent, signal, usage, emit } = options
  const config = deps.config
  // Canonical ids (`gpt-4o-mini` → `openai:gpt-4o-mini`), so prices, usage and traces agree.
  const primaryModel = deps.models.canonical(agent.model.name ?? config.model.default)
  const fallbackSetting = agent.model.fallback ?? config.model.fallback ?? undefined
  const fallbackModel = fallbackSetting === undefined ? undefined : deps.models.canonical(fallbackSetting)
  const temperature = agent.model.temperature ?? config.model.temperature
  const maxOutputTokens = agent.model.maxTokens ?? config.model.maxTokens
  const ids = { agentId: agent.id, executionId: options.executionId }

  function account(
    modelId: string,
    result: ModelCallResult | undefined,
    failure: unknown,
    durationMs: number,
  ): number {
    const inputTokens = result?.inputTokens ?? 0
    const outputTokens = result?.outputTokens ?? 0
    const costUsd = costOf(findPrice(modelId, config.model.pricing), inputTokens, outputTokens)
    usage.llmCalls += 1
    usage.inputTokens += inputTokens
    usage.outputTokens += outputTokens
    usage.costUsd += costUsd
    if (!usage.modelsUsed.includes(modelId)) usage.modelsUsed.push(modelId)
    emit({
      type: 'llm_call',
      model: modelId,
      durationMs,
      inputTokens,
      outputTokens,
      costUsd,
      toolCalls: result?.toolCalls.length ?? 0,
      text: (result?.text ?? '').slice(0, maxTraceTextChars),
      // A cancelled or timed-out call is not a model error.
      ...(failure !== undefined && !signal.aborted
        ? { error: describeModelError(failure, deps.redact) }
        : {}),
    })
    return costUsd
  }

  function callOnce(
    modelId: string,
    call: ModelCallOptions,
    onText: (delta: string) => void,
  ): Promise<TracedModelCallResult> {
    const provider = modelId.includes(':') ? modelId.slice(0, modelId.indexOf(':')) : 'openai'
    return withSpan(
      `chat ${modelId}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': provider,
          'gen_ai.request.model': modelId,
          'agentgw.execution.id': ids.executionId,
        },
      },
      async (span) => {
        const result = await callOnceUntraced(modelId, call, onText)
        span.setAttributes({
          'gen_ai.usage.input_tokens': result.inputTokens,
          'gen_ai.usage.output_tokens': result.outputTokens,
          'agentgw.cost_usd': result.costUsd,
        })
        return result
      },
    )
  }

  async function callOnceUntraced(
    modelId: string,
    call: ModelCallOptions,
    onText: (delta: string) => void,
  ): Promise<TracedModelCallResult> {
    const callStarted = performance.now()
    await deps.hooks.emit('llm.call.before', { model: modelId, ...ids })
    let result: ModelCallResult | undefined
    let failure: unknown
    let costUsd = 0
    try {
      result = await callWithRetries(
        {
          model: deps.models.resolve(modelId),
          prompt: call.prompt,
          tools: call.tools,
          temperature,
          maxOutputTokens,
          responseFormat: call.responseFormat as never,
          signal,
          callTimeoutMs: config.model.callTimeoutMs,
          onText,
        },
        {
          maxRetries: config.model.maxRetries,
          baseDelayMs: 500,
          onRetry: (attempt, error, delayMs) =>
            deps.logger.warn(
              {
                model: modelId,
                attempt,
                delayMs: Math.round(delayMs),
                reason: describeModelError(error, deps.redact),
              },
              'retrying model call',
            ),
        },
      )
    } catch (error) {
      failure = error
      throw error
    } finally {
      const durationMs = Math.round(performance.now() - callStarted)
      costUsd = account(modelId, result, failure, durationMs)
      await deps.hooks.emit('llm.call.after', {
        model: modelId,
        ...ids,
        durationMs,
        inputTokens: result?.inputTokens ?? 0,
        outputTokens: result?.outputTokens ?? 0,
        ...(failure !== undefined ? { error: describeModelError(failure, deps.redact) } : {}),
      })
    }
    return { ...result, model: modelId, costUsd }
  }

  return async function callModel(call) {
    const onText = call.onText ?? (() => {})
    let emitted = false
    const tracking = (delta: string) => {
      emitted = true
      onText(delta)
    }
    try {
      return await callOnce(primaryModel, call, tracking)
    } catch (error) {
      // Falling back after text streamed would show the caller two different answers.
      const canFallBack =
        fallbackModel &&
        fallbackModel !== primaryModel &&
        !emitted &&
        !signal.aborted &&
        isRetryableModelError(error)
      if (!canFallBack) throw error
      deps.logger.warn(
        { model: primaryModel, fallback: fallbackModel, reason: describeModelError(error, deps.redact) },
        'falling back to the fallback model',
      )
      return callOnce(fallbackModel, call, onText)
    }
  }
}
