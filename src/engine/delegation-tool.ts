import type { AgentDefinition } from '../core/workspace/model.ts'
import type { RegisteredTool } from '../tools/tool-types.ts'
import type { DelegateFunction } from './agent-run.ts'

/** The name of the tool an agent delegates with. */
export const delegationToolName = 'delegate_to_agent'

/**
 * The `delegate_to_agent(agent_id, message, input?)` tool of an agent with `delegates_to`: it
 * hands a task to one of the listed agents, which runs as a child execution, and returns the
 * child's execution id, status and output. The list is an allow-list: an agent not on it is
 * refused with a tool error the model can read.
 */
export function delegationTool(
  agent: AgentDefinition,
  agents: readonly AgentDefinition[],
  delegate: DelegateFunction,
): RegisteredTool {
  const targets = agent.delegatesTo.map((id) => {
    const target = agents.find((candidate) => candidate.id === id)
    return `- \`${id}\`${target?.description ? `: ${target.description}` : ''}`
  })
  return {
    name: delegationToolName,
    description: `Hands a task to another agent and returns its answer. You may delegate to:\n${targets.join('\n')}`,
    parameters: {
      type: 'object',
      properties: {
        agent_id: { type: 'string', description: 'The id of the agent to delegate to.' },
        message: { type: 'string', minLength: 1, description: 'The task, written for that agent.' },
        input: {
          type: 'object',
          description: "Structured input for the agent's input schema, if it has one.",
        },
      },
      required: ['agent_id', 'message'],
      additionalProperties: false,
    },
    source: 'code',
    allowedAgents: null,
    requireApproval: false,
    idempotent: false,
    onInterrupted: 'tell_model',
    // Bounded by the run's own time limit, like the child it waits for.
    timeoutMs: undefined,
    instructions: '',
    file: undefined,
    handler: (args, context) => {
      const agentId = String(args.agent_id)
      if (!agent.delegatesTo.includes(agentId)) {
        throw new Error(
          `agent "${agentId}" is not in the delegates_to list of "${agent.id}"; you may delegate to: ${agent.delegatesTo.join(', ')}`,
        )
      }
      const input =
        typeof args.input === 'object' && args.input !== null && !Array.isArray(args.input)
          ? (args.input as Record<string, unknown>)
          : {}
      return delegate({ agentId, message: String(args.message), input, signal: context.signal })
    },
  }
}
