import type { AgentDefinition, SkillDefinition } from '../core/workspace/model.ts'
import type { GatewayRuntime } from '../services/gateway-runtime.ts'
import { resolveAgentTools } from '../tools/resolve-agent-tools.ts'
import type { RegisteredTool } from '../tools/tool-types.ts'

/*
 * The wire view (snake_case) of agents, skills and tools: `GET /v1/agents|skills|tools` and
 * `agentgw agents|skills|tools --format json` print exactly these objects.
 */

/** An agent as the API lists it; pass the definition from `runtime.agents` so overrides show. */
export function toAgentInfo(agent: AgentDefinition, runtime: GatewayRuntime) {
  return {
    id: agent.id,
    display_name: agent.displayName,
    description: agent.description || `Agent: ${agent.id}`,
    tags: agent.tags,
    version: agent.version,
    enabled: agent.enabled,
    skills: agent.skills,
    tools: resolveAgentTools(agent, runtime.workspace, runtime.tools).map((tool) => tool.name),
    model: agent.model.name ?? runtime.config.model.default,
    execution_mode: agent.executionMode,
    scope: agent.scope,
    schedules: agent.schedules.map((schedule) => schedule.name),
    input_schema: agent.inputSchema,
    output_schema: agent.outputSchema,
    retrievers: agent.retrievers,
    context_file_count: agent.contextFiles.length,
    memory_enabled: agent.memory.enabled,
  }
}

/** A skill as the API lists it. */
export function toSkillInfo(skill: SkillDefinition) {
  return {
    id: skill.id,
    name: skill.name,
    description: skill.description,
    tools: skill.tools,
    has_workflow: skill.steps !== null,
    step_count: skill.steps?.length ?? 0,
  }
}

/** A tool as the API lists it. */
export function toToolInfo(tool: RegisteredTool) {
  return {
    name: tool.name,
    description: tool.description,
    source: tool.source,
    parameters: tool.parameters,
    allowed_agents: tool.allowedAgents ? [...tool.allowedAgents] : null,
    require_approval: tool.requireApproval,
    idempotent: tool.idempotent,
    on_interrupted: tool.onInterrupted,
  }
}
