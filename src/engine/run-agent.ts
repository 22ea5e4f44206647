import type { LanguageModelV4FunctionTool, LanguageModelV4Prompt } from '@ai-sdk/provider'
import type { ErrorDetail } from '../core/errors.ts'
import type {
  ChatMessage,
  EngineEvent,
  ExecutionResult,
  RunError,
  StopReason,
  ToolCall,
  Usage,
} from '../core/execution-types.ts'
import { emptyUsage } from '../core/execution-types.ts'
import type { AgentDefinition } from '../core/workspace/model.ts'
import type { JsonSchema } from '../core/workspace/tool-parameters.ts'
import type { ToolContext } from '../tools/tool-types.ts'
import { agentToolset } from './agent-toolset.ts'
import { assembleSystemPrompt } from './assemble-system-prompt.ts'
import { callWithRetries, type ModelCallResult } from './call-model.ts'
import type { EngineDependencies } from './engine-dependencies.ts'
import { describeModelError, isModelError, isRetryableModelError } from './models/model-errors.ts'
import { costOf, findPrice } from './models/pricing.ts'
import { parseStructuredOutput } from './parse-structured-output.ts'
import { type PendingToolCall, runToolCalls } from './run-tool-calls.ts'
import { startTimeout } from './start-timeout.ts'
import { toModelPrompt } from './to-model-prompt.ts'

export interface RunAgentRequest {
  agent: AgentDefinition
  /** Earlier conversation turns (chat); empty for invoke. */
  history: readonly ChatMessage[]
  /** The new user turn, already including any structured input block. */
  userMessage: string
  /** Structured input, handed to workflows. */
  input: Readonly<Record<string, unknown>>
  outputSchema: JsonSchema | null
  executionId: string
  sessionId: string | undefined
  principal: ToolContext['principal']
  /** Overall time limit of the run. */
  timeoutMs: number
  /** Aborting it cancels the run cooperatively. */
  signal?: AbortSignal | undefined
  onEvent?: ((event: EngineEvent) => void) | undefined
}

export interface RunAgentOutcome {
  result: ExecutionResult
  /** The messages this turn added (user, assistant, tool), safe to append to a session. */
  messages: ChatMessage[]
}

const maxTraceTextChars = 2048

function correctionMessage(errors: ErrorDetail[] | null, parseError: string | null): string {
  const problems = parseError ?? (errors ?? []).map((error) => `${error.path} ${error.message}`).join('; ')
  return `Your previous answer did not match the required JSON Schema (${problems}). Answer again with only the corrected JSON.`
}

/** Drops a trailing assistant tool-call turn that never got its results (a run cut short). */
function closeDanglingToolCalls(messages: ChatMessage[]): ChatMessage[] {
  const last = messages[messages.length - 1]
  if (last?.role === 'assistant' && last.toolCalls?.length) return messages.slice(0, -1)
  return messages
}

/**
 * Runs an agent: the model/tool loop with guardrails (iterations, tool calls, time, cancellation),
 * structured output with one correction retry, usage and cost accounting. Never throws for run
 * failures: they end the run with a stop reason and an error.
 */
export async function runAgent(deps: EngineDependencies, request: RunAgentRequest): Promise<RunAgentOutcome> {
  const timeout = startTimeout(request.timeoutMs)
  try {
    return await runWithin(deps, request, timeout.signal)
  } finally {
    timeout.clear()
  }
}

/** The run itself, ended by `timeoutSignal` at the run's time limit. */
async function runWithin(
  deps: EngineDependencies,
  request: RunAgentRequest,
  timeoutSignal: AbortSignal,
): Promise<RunAgentOutcome> {
  const started = performance.now()
  const { agent, config } = { agent: request.agent, config: deps.config }
  const emit = request.onEvent ?? (() => {})
  const usage: Usage = emptyUsage()
  const guardrails = {
    maxIterations: agent.guardrails.maxIterations ?? config.guardrails.maxIterations,
    maxToolCalls: agent.guardrails.maxToolCalls ?? config.guardrails.maxToolCalls,
  }
  const signal = AbortSignal.any(request.signal ? [request.signal, timeoutSignal] : [timeoutSignal])
  const messages: ChatMessage[] = [{ role: 'user', content: request.userMessage }]
  // Canonical ids (`gpt-4o-mini` → `openai:gpt-4o-mini`), so prices, usage and traces agree.
  const primaryModel = deps.models.canonical(agent.model.name ?? config.model.default)
  const fallbackSetting = agent.model.fallback ?? config.model.fallback ?? undefined
  const fallbackModel = fallbackSetting === undefined ? undefined : deps.models.canonical(fallbackSetting)
  const temperature = agent.model.temperature ?? config.model.temperature
  const maxOutputTokens = agent.model.maxTokens ?? config.model.maxTokens

  let stopReason: StopReason = 'max_iterations'
  let runError: RunError | null = null
  let finalText = ''
  let output: unknown = null
  let validationErrors: ErrorDetail[] | null = null

  await deps.hooks.emit('agent.invoke.before', {
    agentId: agent.id,
    message: request.userMessage,
    executionId: request.executionId,
  })

  const toolset = agentToolset(deps, {
    agent,
    emit,
    callModel: async (prompt) => (await callModel(prompt, [], undefined, () => {})).text,
  })
  const modelTools: LanguageModelV4FunctionTool[] = [...toolset.tools.values()].map((tool) => ({
    type: 'function',
    name: tool.name,
    description: [tool.description, tool.instructions].filter(Boolean).join('\n\n'),
    inputSchema: tool.parameters as LanguageModelV4FunctionTool['inputSchema'],
  }))
  const system = assembleSystemPrompt({
    agent,
    workspace: deps.workspace,
    skills: toolset.skills,
    outputSchema: request.outputSchema,
    dateLine: deps.clock(config.timezone),
    contextLimits: {
      fileChars: config.contextRetrieval.maxContextFileChars,
      totalChars: config.contextRetrieval.maxContextChars,
    },
  })

  async function callOnce(
    modelId: string,
    prompt: LanguageModelV4Prompt,
    tools: LanguageModelV4FunctionTool[],
    responseFormat: { type: 'json'; schema: JsonSchema } | undefined,
    onText: (delta: string) => void,
  ): Promise<ModelCallResult> {
    const callStarted = performance.now()
    await deps.hooks.emit('llm.call.before', {
      model: modelId,
      agentId: agent.id,
      executionId: request.executionId,
    })
    let result: ModelCallResult | undefined
    let failure: unknown
    try {
      result = await callWithRetries(
        {
          model: deps.models.resolve(modelId),
          prompt,
          tools,
          temperature,
          maxOutputTokens,
          responseFormat: responseFormat as never,
          signal,
          callTimeoutMs: config.model.callTimeoutMs,
          onText,
        },
        {
          maxRetries: config.model.maxRetries,
          baseDelayMs: 500,
          onRetry: (attempt, error, delayMs) =>
            deps.logger.warn(
              { model: modelId, attempt, delayMs: Math.round(delayMs), reason: describeModelError(error) },
              'retrying model call',
            ),
        },
      )
      return result
    } catch (error) {
      failure = error
      throw error
    } finally {
      const durationMs = Math.round(performance.now() - callStarted)
      const inputTokens = result?.inputTokens ?? 0
      const outputTokens = result?.outputTokens ?? 0
      const costUsd = costOf(findPrice(modelId, config.model.pricing), inputTokens, outputTokens)
      usage.llmCalls += 1
      usage.inputTokens += inputTokens
      usage.outputTokens += outputTokens
      usage.costUsd += costUsd
      if (!usage.modelsUsed.includes(modelId)) usage.modelsUsed.push(modelId)
      const aborted = signal.aborted
      emit({
        type: 'llm_call',
        model: modelId,
        durationMs,
        inputTokens,
        outputTokens,
        costUsd,
        toolCalls: result?.toolCalls.length ?? 0,
        text: (result?.text ?? '').slice(0, maxTraceTextChars),
        ...(failure !== undefined && !aborted ? { error: describeModelError(failure) } : {}),
      })
      await deps.hooks.emit('llm.call.after', {
        model: modelId,
        agentId: agent.id,
        executionId: request.executionId,
        durationMs,
        inputTokens,
        outputTokens,
        ...(failure !== undefined ? { error: describeModelError(failure) } : {}),
      })
    }
  }

  async function callModel(
    prompt: LanguageModelV4Prompt,
    tools: LanguageModelV4FunctionTool[],
    responseFormat: { type: 'json'; schema: JsonSchema } | undefined,
    onText: (delta: string) => void,
  ): Promise<ModelCallResult> {
    let emitted = false
    const tracking = (delta: string) => {
      emitted = true
      onText(delta)
    }
    try {
      return await callOnce(primaryModel, prompt, tools, responseFormat, tracking)
    } catch (error) {
      const canFallBack =
        fallbackModel &&
        fallbackModel !== primaryModel &&
        !emitted &&
        !signal.aborted &&
        isRetryableModelError(error)
      if (!canFallBack) throw error
      deps.logger.warn(
        { model: primaryModel, fallback: fallbackModel, reason: describeModelError(error) },
        'falling back to the fallback model',
      )
      return callOnce(fallbackModel, prompt, tools, responseFormat, onText)
    }
  }

  try {
    let toolCallsTotal = 0
    let corrected = false
    for (let iteration = 0; iteration < guardrails.maxIterations; iteration++) {
      if (signal.aborted) throw signal.reason
      const prompt = toModelPrompt(system, [...request.history, ...messages])
      const responseFormat = request.outputSchema
        ? { type: 'json' as const, schema: request.outputSchema }
        : undefined
      const step = await callModel(prompt, modelTools, responseFormat, (delta) =>
        emit({ type: 'token', content: delta }),
      )
      finalText = step.text

      if (step.toolCalls.length === 0) {
        if (!request.outputSchema) {
          messages.push({ role: 'assistant', content: step.text })
          output = step.text
          stopReason = 'completed'
          break
        }
        const parsed = parseStructuredOutput(step.text, deps.validator.compile(request.outputSchema))
        if (parsed.ok) {
          messages.push({ role: 'assistant', content: step.text })
          output = parsed.value
          validationErrors = null
          stopReason = 'completed'
          break
        }
        output = parsed.value
        validationErrors = parsed.errors
        if (corrected || iteration + 1 >= guardrails.maxIterations) {
          messages.push({ role: 'assistant', content: step.text })
          stopReason = 'completed'
          break
        }
        corrected = true
        messages.push({ role: 'assistant', content: step.text })
        messages.push({ role: 'user', content: correctionMessage(parsed.errors, parsed.parseError) })
        continue
      }

      const pending: PendingToolCall[] = step.toolCalls.map((call) => ({
        id: call.id,
        name: call.name,
        input: call.input,
      }))
      const calls: ToolCall[] = pending.map((call) => {
        let args: Record<string, unknown> = {}
        try {
          const parsed = JSON.parse(call.input || '{}') as unknown
          if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
            args = parsed as Record<string, unknown>
        } catch {
          // reported to the model as a tool error below
        }
        return { id: call.id, name: call.name, arguments: args }
      })
      messages.push({ role: 'assistant', content: step.text, toolCalls: calls })
      const budget = Math.max(0, guardrails.maxToolCalls - toolCallsTotal)
      const allowed = pending.slice(0, budget)
      const refused = pending.slice(budget)
      const results = await runToolCalls(allowed, {
        agentId: agent.id,
        executionId: request.executionId,
        sessionId: request.sessionId,
        principal: request.principal,
        config: config.context,
        logger: deps.logger,
        signal,
        tools: toolset.tools,
        validator: deps.validator,
        hooks: deps.hooks,
        maxParallel: config.guardrails.maxParallelToolCalls,
        maxResultBytes: config.guardrails.maxToolResultBytes,
        onEvent: emit,
      })
      for (const call of refused) {
        results.push({
          callId: call.id,
          name: call.name,
          content: '{"error":"tool call limit reached"}',
          isError: true,
        })
      }
      toolCallsTotal += allowed.length
      usage.toolCalls = toolCallsTotal
      messages.push({ role: 'tool', results })
      if (toolCallsTotal >= guardrails.maxToolCalls) {
        stopReason = 'max_tool_calls'
        break
      }
      if (signal.aborted) throw signal.reason
    }
  } catch (error) {
    const stop = classifyFailure(error, request.signal, timeoutSignal)
    stopReason = stop.stopReason
    runError = stop.runError
    if (stop.runError.code === 'execution_error') {
      deps.logger.warn({ err: error, agent: agent.id, executionId: request.executionId }, 'run failed')
    }
  }

  if (stopReason === 'max_iterations' || stopReason === 'max_tool_calls')
    output = request.outputSchema ? output : finalText
  const result: ExecutionResult = {
    output,
    rawText: finalText,
    stopReason,
    usage,
    error: runError,
    validationErrors,
    durationMs: Math.round(performance.now() - started),
  }
  await deps.hooks.emit('agent.invoke.after', {
    agentId: agent.id,
    executionId: request.executionId,
    result,
    durationMs: result.durationMs,
  })
  return { result, messages: closeDanglingToolCalls(messages) }
}

function classifyFailure(
  error: unknown,
  cancelSignal: AbortSignal | undefined,
  timeoutSignal: AbortSignal,
): { stopReason: StopReason; runError: RunError } {
  if (cancelSignal?.aborted) {
    return {
      stopReason: 'cancelled',
      runError: { code: 'cancelled', message: 'The execution was cancelled.' },
    }
  }
  if (timeoutSignal.aborted) {
    return { stopReason: 'timeout', runError: { code: 'timeout', message: 'The execution timed out.' } }
  }
  if (isModelError(error)) {
    return {
      stopReason: 'error',
      runError: {
        code: 'model_error',
        message: describeModelError(error),
        retryable: isRetryableModelError(error),
      },
    }
  }
  return {
    stopReason: 'error',
    runError: { code: 'execution_error', message: 'The execution failed unexpectedly.' },
  }
}
