import type { ErrorDetail } from '../core/errors.ts'
import type { AgentRun, RunState } from './agent-run.ts'
import { parseStructuredOutput } from './parse-structured-output.ts'

function correctionMessage(errors: ErrorDetail[] | null, parseError: string | null): string {
  const problems = parseError ?? (errors ?? []).map((error) => `${error.path} ${error.message}`).join('; ')
  return `Your previous answer did not match the required JSON Schema (${problems}). Answer again with only the corrected JSON.`
}

/**
 * Handles a step whose answer has no tool calls. Plain text ends the run. With an output
 * schema the answer is parsed and validated; a mismatch gets one correction turn — unless the
 * correction was already asked for or no iteration is left, in which case the run ends with the
 * answer as it is and its `validationErrors`.
 *
 * @returns `completed` when the run ends here, `correcting` when another step should follow.
 */
export function acceptAnswer(
  run: AgentRun,
  state: RunState,
  text: string,
  options: { lastIteration: boolean },
): 'completed' | 'correcting' {
  const schema = run.request.outputSchema
  state.messages.push({ role: 'assistant', content: text })
  if (!schema) {
    state.output = text
    return 'completed'
  }
  const parsed = parseStructuredOutput(text, run.deps.validator.compile(schema))
  state.output = parsed.value
  if (parsed.ok) {
    state.validationErrors = null
    return 'completed'
  }
  state.validationErrors = parsed.errors
  if (state.corrected || options.lastIteration) return 'completed'
  state.corrected = true
  state.messages.push({ role: 'user', content: correctionMessage(parsed.errors, parsed.parseError) })
  return 'correcting'
}
