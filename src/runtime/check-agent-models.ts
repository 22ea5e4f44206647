import type { GatewayConfig } from '../core/config/schema.ts'
import type { AgentDefinition, Diagnostic } from '../core/workspace/model.ts'
import type { ModelRegistry } from '../engine/models/model-registry.ts'

export interface CheckedAgentModels {
  /** Agents whose models (own or inherited, primary and fallback) all resolve. */
  agents: AgentDefinition[]
  diagnostics: Diagnostic[]
}

/**
 * Checks every model id a run could use, before anything is served. An agent whose model (or
 * fallback) cannot be resolved is left out with an error, so it is never listed and never runs
 * only to fail every time; an invalid `model.default`/`model.fallback` leaves out the agents
 * that rely on it.
 */
export function checkAgentModels(
  agents: readonly AgentDefinition[],
  config: GatewayConfig['model'],
  models: ModelRegistry,
  configFile: string,
): CheckedAgentModels {
  const diagnostics: Diagnostic[] = []
  const globalProblems = new Map<'default' | 'fallback', string>()
  for (const key of ['default', 'fallback'] as const) {
    const id = config[key]
    const problem = id ? models.check(id) : null
    if (problem) {
      globalProblems.set(key, problem)
      diagnostics.push({ severity: 'error', file: configFile, keyPath: `model.${key}`, message: problem })
    }
  }

  const usable: AgentDefinition[] = []
  for (const agent of agents) {
    const problems: string[] = []
    for (const [own, key] of [
      [agent.model.name, 'default'],
      [agent.model.fallback, 'fallback'],
    ] as const) {
      if (own) {
        const problem = models.check(own)
        if (problem) problems.push(problem)
      } else if (globalProblems.has(key)) {
        problems.push(`uses model.${key} "${config[key]}", which cannot be resolved`)
      }
    }
    for (const problem of problems) {
      diagnostics.push({
        severity: 'error',
        file: agent.file,
        subject: { kind: 'agent', id: agent.id },
        keyPath: 'model',
        message: `${problem}; the agent is not served`,
      })
    }
    if (problems.length === 0) usable.push(agent)
  }
  return { agents: usable, diagnostics }
}
