import type { ToolCall } from '../core/execution-types.ts'
import { toolNeedsApproval } from '../tools/resolve-agent-tools.ts'
import type { AgentRun, RunState } from './agent-run.ts'
import { ApprovalRequiredError, rejectionMessage } from './approval-gate.ts'
import type { ModelCallResult } from './call-model.ts'
import { interruptedToolMessage, ToolInterruptedError, toolKey } from './run-replay.ts'
import { type PendingToolCall, runToolCalls, type ToolCallJournal, ToolFailure } from './run-tool-calls.ts'

/** Arguments as the model sent them, for the conversation record; bad JSON is reported by the tool run. */
function recordedArguments(input: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(input || '{}') as unknown
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>
  } catch {
    // reported to the model as a tool error by runToolCalls
  }
  return {}
}

/**
 * The tool half of a step: records the model's tool calls, runs those the tool-call budget
 * still allows (the rest get a "limit reached" error result the model can read), and appends
 * the results to the conversation.
 */
export async function executeToolStep(run: AgentRun, state: RunState, step: ModelCallResult): Promise<void> {
  const { deps, request } = run
  // The model step these calls came from (runModelStep has already counted it).
  const stepNumber = state.modelSteps - 1
  const pending: PendingToolCall[] = step.toolCalls.map((call) => ({
    id: call.id,
    name: call.name,
    input: call.input,
  }))
  const calls: ToolCall[] = pending.map((call) => ({
    id: call.id,
    name: call.name,
    arguments: recordedArguments(call.input),
  }))
  state.messages.push({ role: 'assistant', content: step.text, toolCalls: calls })
  const budget = Math.max(0, run.limits.maxToolCalls - state.toolCallsTotal)
  const allowed = pending.slice(0, budget)
  const refused = pending.slice(budget)
  const results = await runToolCalls(allowed, {
    agentId: request.agent.id,
    executionId: request.executionId,
    sessionId: request.sessionId,
    principal: request.principal,
    userConfig: request.personal?.values,
    config: deps.config.context,
    logger: deps.logger,
    signal: run.signal,
    tools: run.tools,
    validator: deps.validator,
    hooks: deps.hooks,
    maxParallel: deps.config.guardrails.maxParallelToolCalls,
    maxResultBytes: deps.config.guardrails.maxToolResultBytes,
    onEvent: run.emit,
    redact: redactWithUserSecrets(deps.redact, request.personal?.secretTexts ?? []),
    journal: stepJournal(run, stepNumber),
    needsApproval: (tool) => toolNeedsApproval(tool, request.agent),
  })
  for (const call of refused) {
    results.push({
      callId: call.id,
      name: call.name,
      content: '{"error":"tool call limit reached"}',
      isError: true,
    })
  }
  state.toolCallsTotal += allowed.length
  state.usage.toolCalls = state.toolCallsTotal
  state.messages.push({ role: 'tool', results })
}

/** The run journal as one step's tool calls use it (see `ToolCallJournal`). */
function stepJournal(run: AgentRun, step: number): ToolCallJournal | undefined {
  const journal = run.request.journal
  if (!journal) return undefined
  return {
    replayed: (callId) => run.replay.toolResults.get(toolKey(step, callId)),
    async starting(callId, tool, args) {
      const key = toolKey(step, callId)
      let approved = args
      if (toolNeedsApproval(tool, run.request.agent)) {
        const decision = run.replay.approvals.get(key)
        if (!decision) {
          run.emit({ type: 'approval_required', callId, name: tool.name, arguments: args })
          throw new ApprovalRequiredError({ step, callId, toolName: tool.name, arguments: args })
        }
        if (decision.decision === 'rejected')
          throw new ToolFailure(rejectionMessage(tool.name, decision.reason))
        approved = decision.arguments ?? args
      }
      // An idempotent tool is simply run (again); nothing needs recording before it runs.
      if (tool.idempotent) return approved
      if (run.replay.started.has(key)) {
        run.deps.logger.warn(
          { tool: tool.name, callId, executionId: run.request.executionId, policy: tool.onInterrupted },
          'a non-idempotent tool call was interrupted by a crash and is not run again',
        )
        if (tool.onInterrupted === 'fail') throw new ToolInterruptedError(tool.name)
        throw new ToolFailure(interruptedToolMessage(tool.name))
      }
      await journal.record({ kind: 'tool_started', step, callId, name: tool.name })
      return approved
    },
    finished: (result) => journal.record({ kind: 'tool_result', step, result }),
  }
}

/** The gateway's redaction, plus the user's own secrets of a personal agent. */
function redactWithUserSecrets(redact: (text: string) => string, secrets: readonly string[]) {
  if (secrets.length === 0) return redact
  return (text: string) =>
    secrets.reduce((result, secret) => result.replaceAll(secret, '[redacted]'), redact(text))
}
