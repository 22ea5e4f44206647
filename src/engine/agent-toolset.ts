import type { LanguageModelV4Prompt } from '@ai-sdk/provider'
import { memoryOwnerOf } from '../core/authorization.ts'
import type { EngineEvent } from '../core/execution-types.ts'
import type { Principal } from '../core/principal.ts'
import type { AgentDefinition, SkillDefinition } from '../core/workspace/model.ts'
import type { JsonSchema } from '../core/workspace/tool-parameters.ts'
import { resolveAgentTools } from '../tools/resolve-agent-tools.ts'
import type { RegisteredTool, ToolContext } from '../tools/tool-types.ts'
import type { DelegateFunction } from './agent-run.ts'
import { delegationTool } from './delegation-tool.ts'
import type { EngineDependencies } from './engine-dependencies.ts'
import { memoryTools } from './memory/memory-tools.ts'
import { retrieverTool } from './retrievers/retriever-tool.ts'
import { runToolCalls } from './run-tool-calls.ts'
import { referencedInputFields } from './workflows/resolve-references.ts'
import { runWorkflow, workflowTimeoutMs } from './workflows/run-workflow.ts'

export interface AgentToolset {
  /** Tools the model may call, by name: skill tools plus one `workflow-<skill>` per workflow skill. */
  tools: Map<string, RegisteredTool>
  skills: SkillDefinition[]
}

export interface AgentToolsetOptions {
  agent: AgentDefinition
  emit: (event: EngineEvent) => void
  /** A model call without tools, for workflow prompt steps. */
  callModel: (prompt: LanguageModelV4Prompt) => Promise<string>
  /** Runs a delegated request; the `delegate_to_agent` tool is offered when set and `delegates_to` lists agents. */
  delegate?: DelegateFunction | undefined
  /** The run, for the `use_retriever` tool of agents with `retrievers` and the memory tools of agents with `memory`. */
  retrieval?: { executionId: string; principal: Principal | undefined } | undefined
}

function parseToolContent(content: string): unknown {
  try {
    return JSON.parse(content)
  } catch {
    return content
  }
}

/** The tools and skills one agent runs with. */
export function agentToolset(deps: EngineDependencies, options: AgentToolsetOptions): AgentToolset {
  const { agent } = options
  const skills = agent.skills
    .map((id) => deps.workspace.skills.find((skill) => skill.id === id))
    .filter((skill): skill is SkillDefinition => skill !== undefined)
  const tools = new Map(resolveAgentTools(agent, deps.workspace, deps.tools).map((tool) => [tool.name, tool]))
  // Code and file tools win a name clash with an MCP tool (names are namespaced, so it is rare).
  for (const tool of deps.mcp?.toolsFor(agent.mcpServers) ?? []) {
    if (!tools.has(tool.name)) tools.set(tool.name, tool)
  }

  for (const skill of skills) {
    if (!skill.steps) continue
    const fields = [
      ...referencedInputFields(skill.steps.map((step) => [step.input, step.tools, step.prompt])),
    ]
    const parameters: JsonSchema = {
      type: 'object',
      properties: Object.fromEntries(
        fields.map((field) => [field, { description: `Workflow input "${field}".` }]),
      ),
      required: fields,
    }
    const stepTools = new Map(tools)
    tools.set(`workflow-${skill.id}`, {
      name: `workflow-${skill.id}`,
      description: `${skill.description || skill.name} Runs the steps ${skill.steps.map((step) => step.name).join(' → ')} and returns the last step's output.`,
      parameters,
      source: 'code',
      allowedAgents: null,
      requireApproval: false,
      timeoutMs: workflowTimeoutMs,
      // Its steps call tools that may not be: the whole workflow is not run twice blindly.
      idempotent: false,
      onInterrupted: 'tell_model',
      instructions: '',
      file: skill.file,
      handler: (args, context: ToolContext) =>
        runWorkflow(skill, args, {
          async callTool(name, stepArgs, stepName) {
            const [result] = await runToolCalls(
              [{ id: `${context.callId}:${stepName}`, name, input: JSON.stringify(stepArgs) }],
              {
                agentId: context.agentId,
                executionId: context.executionId,
                sessionId: context.sessionId,
                principal: context.principal,
                userConfig: context.userConfig,
                config: context.config,
                logger: context.logger,
                signal: context.signal,
                tools: stepTools,
                validator: deps.validator,
                hooks: deps.hooks,
                maxParallel: 1,
                maxResultBytes: deps.config.guardrails.maxToolResultBytes,
                onEvent: options.emit,
                redact: deps.redact,
              },
            )
            if (!result || result.isError) {
              const detail = result
                ? (parseToolContent(result.content) as { error?: string }).error
                : undefined
              throw new Error(`step "${stepName}" failed: ${detail ?? 'no result'}`)
            }
            return parseToolContent(result.content)
          },
          callPrompt(step, data) {
            return options.callModel([
              {
                role: 'system',
                content:
                  step.systemPrompt ??
                  'You carry out one step of a workflow. Follow the instruction using the data given.',
              },
              {
                role: 'user',
                content: [
                  {
                    type: 'text',
                    text: `${step.prompt}\n\n## Data\n\`\`\`json\n${JSON.stringify(data, null, 2)}\n\`\`\``,
                  },
                ],
              },
            ])
          },
        }),
    })
  }
  if (options.retrieval && agent.retrievers.length > 0) {
    const tool = retrieverTool(deps, agent, { ...options.retrieval, emit: options.emit })
    tools.set(tool.name, tool)
  }
  const memoryOwner = memoryOwnerOf(options.retrieval?.principal)
  if (deps.memories && agent.memory.enabled && memoryOwner !== null) {
    for (const tool of memoryTools(deps.memories, { ownerId: memoryOwner, agentId: agent.id }))
      tools.set(tool.name, tool)
  }
  if (options.delegate && agent.delegatesTo.length > 0) {
    const tool = delegationTool(agent, deps.workspace.agents, options.delegate)
    tools.set(tool.name, tool)
  }
  return { tools, skills }
}
