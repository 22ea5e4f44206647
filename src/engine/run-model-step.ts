import type { AgentRun, RunState } from './agent-run.ts'
import type { ModelCallResult } from './call-model.ts'
import { accountReplayed } from './run-replay.ts'
import { toModelPrompt } from './to-model-prompt.ts'

/**
 * One model step: the conversation so far goes to the model, its text streams out as `token`
 * events, and its answer — text, tool calls or both — comes back. A step an earlier attempt
 * recorded is replayed from the journal instead (no call, no tokens); a new one is recorded
 * before the run goes on. Nothing is added to the messages here; the answer's handling does that.
 */
export async function runModelStep(run: AgentRun, state: RunState): Promise<ModelCallResult> {
  const { request } = run
  const step = state.modelSteps++
  const replayed = run.replay.modelCalls.get(step)
  if (replayed) {
    accountReplayed(state.usage, replayed)
    state.finalText = replayed.text
    return replayed
  }
  const answer = await run.callModel({
    prompt: toModelPrompt(run.system, [...request.history, ...state.messages]),
    tools: run.modelTools,
    responseFormat: request.outputSchema ? { type: 'json', schema: request.outputSchema } : undefined,
    onText: (delta) => run.emit({ type: 'token', content: delta }),
  })
  await request.journal?.record({
    kind: 'model_call',
    step,
    call: {
      text: answer.text,
      toolCalls: answer.toolCalls,
      inputTokens: answer.inputTokens,
      outputTokens: answer.outputTokens,
      model: answer.model,
      costUsd: answer.costUsd,
    },
  })
  state.finalText = answer.text
  return answer
}
