import type { AgentDefinition, WorkspaceDefinition } from '../core/workspace/model.ts'
import type { RegisteredTool, ToolRegistry } from './tool-types.ts'

/** Whether a tool's own allow-list lets this agent call it. */
export function toolAllowsAgent(tool: RegisteredTool, agentId: string): boolean {
  return tool.allowedAgents === null || tool.allowedAgents.includes(agentId)
}

/** Whether a call of this tool by this agent waits for approval: the tool's or the agent's policy. */
export function toolNeedsApproval(
  tool: RegisteredTool,
  agent: Pick<AgentDefinition, 'requireApproval'>,
): boolean {
  if (tool.requireApproval || agent.requireApproval === true) return true
  return Array.isArray(agent.requireApproval) && agent.requireApproval.includes(tool.name)
}

/**
 * The tools an agent may call: those listed on the agent itself and those owned by its skills,
 * that exist and whose allow-list admits the agent.
 */
export function resolveAgentTools(
  agent: AgentDefinition,
  workspace: WorkspaceDefinition,
  registry: ToolRegistry,
): RegisteredTool[] {
  const names = new Set<string>(agent.tools)
  for (const skillId of agent.skills) {
    const skill = workspace.skills.find((candidate) => candidate.id === skillId)
    for (const name of skill?.tools ?? []) names.add(name)
  }
  const tools: RegisteredTool[] = []
  for (const name of [...names].sort()) {
    const tool = registry.get(name)
    if (tool && toolAllowsAgent(tool, agent.id)) tools.push(tool)
  }
  return tools
}
