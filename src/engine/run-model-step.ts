import type { AgentRun, RunState } from './agent-run.ts'
import type { ModelCallResult } from './call-model.ts'
import { toModelPrompt } from './to-model-prompt.ts'

/**
 * One model step: the conversation so far goes to the model, its text streams out as `token`
 * events, and its answer — text, tool calls or both — comes back. Nothing is added to the
 * messages here; the answer's handling does that.
 */
export async function runModelStep(run: AgentRun, state: RunState): Promise<ModelCallResult> {
  const { request } = run
  const step = await run.callModel({
    prompt: toModelPrompt(run.system, [...request.history, ...state.messages]),
    tools: run.modelTools,
    responseFormat: request.outputSchema ? { type: 'json', schema: request.outputSchema } : undefined,
    onText: (delta) => run.emit({ type: 'token', content: delta }),
  })
  state.finalText = step.text
  return step
}
