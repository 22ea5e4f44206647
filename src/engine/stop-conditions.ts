import type { AgentRun, RunState, RunStop } from './agent-run.ts'
import { describeModelError, isModelError, isRetryableModelError } from './models/model-errors.ts'
import { ToolInterruptedError } from './run-replay.ts'

/** The run has used its tool-call budget (`guardrails.max_tool_calls`). */
export function toolBudgetExhausted(run: AgentRun, state: RunState): boolean {
  return state.toolCallsTotal >= run.limits.maxToolCalls
}

/**
 * The output of a run that stopped: a guardrail stop without an output schema returns the last
 * text the model wrote; otherwise whatever the answer produced (parsed JSON, or `null`).
 */
export function outputAtStop(run: AgentRun, state: RunState, stop: RunStop): unknown {
  const guardrail = stop.stopReason === 'max_iterations' || stop.stopReason === 'max_tool_calls'
  return guardrail && !run.request.outputSchema ? state.finalText : state.output
}

/**
 * Why a run that threw ended: cancelled by the caller, out of time, failed at the model, or
 * failed otherwise. Checked in that order, since a cancellation or timeout surfaces as whatever
 * the interrupted call threw.
 */
export function classifyFailure(
  error: unknown,
  cancelSignal: AbortSignal | undefined,
  timeoutSignal: AbortSignal,
  redactSecrets: (text: string) => string,
): RunStop & { runError: NonNullable<RunStop['runError']> } {
  if (cancelSignal?.aborted) {
    // A shutdown that outlasted the drain grace period says so, so clients know to retry.
    if ((cancelSignal.reason as { code?: unknown } | undefined)?.code === 'shutting_down')
      return {
        stopReason: 'cancelled',
        runError: { code: 'shutting_down', message: 'The gateway shut down before the execution finished.' },
      }
    return {
      stopReason: 'cancelled',
      runError: { code: 'cancelled', message: 'The execution was cancelled.' },
    }
  }
  if (timeoutSignal.aborted) {
    return { stopReason: 'timeout', runError: { code: 'timeout', message: 'The execution timed out.' } }
  }
  if (error instanceof ToolInterruptedError) {
    return { stopReason: 'error', runError: { code: 'tool_interrupted', message: error.message } }
  }
  if (isModelError(error)) {
    return {
      stopReason: 'error',
      runError: {
        code: 'model_error',
        message: describeModelError(error, redactSecrets),
        retryable: isRetryableModelError(error),
      },
    }
  }
  return {
    stopReason: 'error',
    runError: { code: 'execution_error', message: 'The execution failed unexpectedly.' },
  }
}
