import type { SkillDefinition } from '../../core/workspace/model.ts'
import type { WorkflowStep } from '../../core/workspace/schemas.ts'
import { resolveReferences } from './resolve-references.ts'

/** What a workflow needs from the engine to run its steps. */
export interface WorkflowSteps {
  /** Runs one tool; throws with a readable message when the tool fails. */
  callTool(name: string, args: Record<string, unknown>, stepName: string): Promise<unknown>
  /** Runs one model-only step and returns its text. */
  callPrompt(
    step: WorkflowStep,
    context: { input: unknown; steps: Readonly<Record<string, unknown>> },
  ): Promise<string>
}

/** Total limit of one workflow run. */
export const workflowTimeoutMs = 300_000

/**
 * Runs a skill's steps in order: a `tool` step calls one tool, a `tools` step fans out in
 * parallel, a `prompt` step asks the model. Each step's input may reference the workflow input
 * and earlier steps' outputs. The last step's output is the workflow's result.
 */
export async function runWorkflow(
  skill: SkillDefinition,
  input: Record<string, unknown>,
  steps: WorkflowSteps,
): Promise<unknown> {
  const outputs: Record<string, unknown> = {}
  let last: unknown = null
  for (const step of skill.steps ?? []) {
    const context = { output: undefined as unknown }
    if (step.tool) {
      const args = resolveReferences(step.input, input, outputs) as Record<string, unknown>
      context.output = await steps.callTool(step.tool, args, step.name)
      outputs[step.name] = { output: context.output }
    } else if (step.tools) {
      const results = await Promise.all(
        step.tools.map((fanOut, index) =>
          steps.callTool(
            fanOut.tool,
            resolveReferences({ ...step.input, ...fanOut.input }, input, outputs) as Record<string, unknown>,
            `${step.name}[${index}]`,
          ),
        ),
      )
      context.output = results
      outputs[step.name] = results.map((output) => ({ output }))
    } else {
      const resolved = { ...step, prompt: resolveReferences(step.prompt, input, outputs) as string }
      context.output = await steps.callPrompt(resolved, { input, steps: outputs })
      outputs[step.name] = { output: context.output }
    }
    last = context.output
  }
  return last
}
