import type { LanguageModelV4FunctionTool } from '@ai-sdk/provider'
import { memoryOwnerOf } from '../core/authorization.ts'
import type { ChatMessage, ExecutionResult } from '../core/execution-types.ts'
import { acceptAnswer } from './accept-answer.ts'
import {
  type AgentRun,
  createRunState,
  type RunAgentOutcome,
  type RunAgentRequest,
  type RunState,
  type RunStop,
} from './agent-run.ts'
import { agentToolset } from './agent-toolset.ts'
import { ApprovalRequiredError } from './approval-gate.ts'
import { assembleSystemPrompt } from './assemble-system-prompt.ts'
import { createModelCaller } from './create-model-caller.ts'
import type { EngineDependencies } from './engine-dependencies.ts'
import { executeToolStep } from './execute-tool-step.ts'
import { injectedMemoryLimit, memorySection } from './memory/memory-section.ts'
import { retrievedContextSection, runRetrievers } from './retrievers/run-retrievers.ts'
import { runModelStep } from './run-model-step.ts'
import { readReplay } from './run-replay.ts'
import { startTimeout } from './start-timeout.ts'
import { classifyFailure, outputAtStop, toolBudgetExhausted } from './stop-conditions.ts'

export type { RunAgentOutcome, RunAgentRequest } from './agent-run.ts'

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

/** Everything fixed for the run: limits, signal, tools (workflow tools included), system prompt. */
function prepareRun(
  deps: EngineDependencies,
  request: RunAgentRequest,
  timeoutSignal: AbortSignal,
  state: RunState,
  retrieved: string | null,
  remembered: string | null,
): AgentRun {
  const { agent } = request
  const { config } = deps
  const emit = request.onEvent ?? (() => {})
  const signal = AbortSignal.any(request.signal ? [request.signal, timeoutSignal] : [timeoutSignal])
  const callModel = createModelCaller(deps, {
    agent,
    executionId: request.executionId,
    signal,
    usage: state.usage,
    emit,
  })
  const toolset = agentToolset(deps, {
    agent,
    emit,
    callModel: async (prompt) => (await callModel({ prompt, tools: [] })).text,
    delegate: request.delegate,
    retrieval: { executionId: request.executionId, principal: request.principal },
  })
  const modelTools: LanguageModelV4FunctionTool[] = [...toolset.tools.values()].map((tool) => ({
    type: 'function',
    name: tool.name,
    description: [tool.description, tool.instructions].filter(Boolean).join('\n\n'),
    inputSchema: tool.parameters as LanguageModelV4FunctionTool['inputSchema'],
  }))
  return {
    deps,
    request,
    limits: {
      maxIterations: agent.guardrails.maxIterations ?? config.guardrails.maxIterations,
      maxToolCalls: agent.guardrails.maxToolCalls ?? config.guardrails.maxToolCalls,
    },
    signal,
    emit,
    system: assembleSystemPrompt({
      agent,
      workspace: deps.workspace,
      skills: toolset.skills,
      outputSchema: request.outputSchema,
      instructions: request.instructions ?? null,
      userInstructions: request.personal?.instructions,
      retrievedContext: retrieved,
      remembered,
      dateLine: deps.clock(config.timezone),
      contextLimits: {
        fileChars: config.contextRetrieval.maxContextFileChars,
        totalChars: config.contextRetrieval.maxContextChars,
      },
    }),
    tools: toolset.tools,
    modelTools,
    callModel,
    replay: readReplay(request.journal?.recorded ?? []),
  }
}

/** The "Retrieved Context" section for the agent's `retrievers`, queried with the user's message. */
async function retrieveForPrompt(
  deps: EngineDependencies,
  request: RunAgentRequest,
  timeoutSignal: AbortSignal,
): Promise<string | null> {
  const { agent } = request
  if (agent.retrievers.length === 0) return null
  const retrieved = await runRetrievers(deps, {
    agentId: agent.id,
    executionId: request.executionId,
    principal: request.principal,
    query: request.userMessage,
    names: agent.retrievers,
    signal: AbortSignal.any(request.signal ? [request.signal, timeoutSignal] : [timeoutSignal]),
    emit: request.onEvent ?? (() => {}),
  })
  return retrievedContextSection(retrieved, deps.config.contextRetrieval.maxRetrievedChars)
}

/** The "Remembered About The User" section: the user's memories of this agent relevant to the message. */
async function recallForPrompt(deps: EngineDependencies, request: RunAgentRequest): Promise<string | null> {
  const { agent } = request
  const ownerId = memoryOwnerOf(request.principal)
  if (!deps.memories || !agent.memory.enabled || ownerId === null || agent.memory.maxInjectedChars === 0)
    return null
  const memories = await deps.memories.recall(
    { ownerId, agentId: agent.id },
    request.userMessage,
    injectedMemoryLimit,
  )
  return memorySection(memories, agent.memory.maxInjectedChars)
}

/**
 * The loop: one step per iteration — a model step, then either its answer or its tool calls —
 * until a stop condition holds. Cancellation and the time limit surface as a throw.
 */
async function runSteps(run: AgentRun, state: RunState): Promise<RunStop> {
  for (let iteration = 0; iteration < run.limits.maxIterations; iteration++) {
    if (run.signal.aborted) throw run.signal.reason
    const step = await runModelStep(run, state)
    if (step.toolCalls.length === 0) {
      const lastIteration = iteration + 1 >= run.limits.maxIterations
      if (acceptAnswer(run, state, step.text, { lastIteration }) === 'completed')
        return { stopReason: 'completed', runError: null }
      continue
    }
    await executeToolStep(run, state, step)
    if (toolBudgetExhausted(run, state)) return { stopReason: 'max_tool_calls', runError: null }
    if (run.signal.aborted) throw run.signal.reason
  }
  return { stopReason: 'max_iterations', runError: null }
}

/** The run itself, ended by `timeoutSignal` at the run's time limit. */
async function runWithin(
  deps: EngineDependencies,
  request: RunAgentRequest,
  timeoutSignal: AbortSignal,
): Promise<RunAgentOutcome> {
  const started = performance.now()
  const { agent } = request
  const state = createRunState(request.userMessage)
  await deps.hooks.emit('agent.invoke.before', {
    agentId: agent.id,
    message: request.userMessage,
    executionId: request.executionId,
  })
  // A server still making its first connection is waited for (bounded by its connection timeout).
  if (agent.mcpServers.length > 0) await deps.mcp?.ready(agent.mcpServers)
  // Retrieval runs before the first model call: its passages are part of the system prompt.
  let retrieved: string | null = null
  let remembered: string | null = null
  let stoppedEarly: RunStop | undefined
  try {
    retrieved = await retrieveForPrompt(deps, request, timeoutSignal)
    remembered = await recallForPrompt(deps, request)
  } catch (error) {
    stoppedEarly = classifyFailure(error, request.signal, timeoutSignal, deps.redact)
  }
  const run = prepareRun(deps, request, timeoutSignal, state, retrieved, remembered)
  if (run.replay.modelCalls.size > 0) {
    run.emit({
      type: 'replay',
      modelCalls: run.replay.modelCalls.size,
      toolCalls: run.replay.toolResults.size,
    })
  }

  let stop: RunStop
  try {
    stop = stoppedEarly ?? (await runSteps(run, state))
  } catch (error) {
    stop =
      error instanceof ApprovalRequiredError
        ? { stopReason: 'awaiting_approval', runError: null, approval: error.request }
        : classifyFailure(error, request.signal, timeoutSignal, deps.redact)
    if (stop.runError?.code === 'execution_error') {
      deps.logger.warn({ err: error, agent: agent.id, executionId: request.executionId }, 'run failed')
    }
  }

  const result: ExecutionResult = {
    output: outputAtStop(run, state, stop),
    rawText: state.finalText,
    stopReason: stop.stopReason,
    usage: state.usage,
    error: stop.runError,
    validationErrors: state.validationErrors,
    durationMs: Math.round(performance.now() - started),
  }
  await deps.hooks.emit('agent.invoke.after', {
    agentId: agent.id,
    executionId: request.executionId,
    result,
    durationMs: result.durationMs,
  })
  return {
    result,
    messages: closeDanglingToolCalls(state.messages),
    ...(stop.approval ? { approval: stop.approval } : {}),
  }
}
