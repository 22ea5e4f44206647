import type { GatewayConfig } from '../core/config/schema.ts'
import type { Logger } from '../core/logger.ts'
import type { Diagnostic, WorkspaceDefinition } from '../core/workspace/model.ts'
import type { ModelRegistry } from '../engine/models/model-registry.ts'
import type { JsonSchemaValidator } from '../json-schema/create-json-schema-validator.ts'
import { createToolRegistry } from '../tools/create-tool-registry.ts'
import type { RegisteredTool, ToolRegistry } from '../tools/tool-types.ts'
import { loadWorkspace } from '../workspace/load-workspace.ts'
import { checkAgentModels } from './check-agent-models.ts'
import { checkNotificationTargets } from './check-notification-targets.ts'

export interface LoadServedWorkspaceOptions {
  root: string
  config: GatewayConfig
  validator: JsonSchemaValidator
  models: ModelRegistry
  codeTools: readonly RegisteredTool[]
  /** Names of the registered retrievers; agents naming another get a warning. */
  retrieverNames: ReadonlySet<string>
  env: Readonly<Record<string, string | undefined>>
  logger: Logger
}

export interface ServedWorkspace {
  workspace: WorkspaceDefinition
  tools: ToolRegistry
  /** Workspace diagnostics and handler problems (config warnings are not included). */
  diagnostics: Diagnostic[]
  /** Notes for operators that are not problems (e.g. agents on the mock model). */
  notices: string[]
}

/**
 * Reads the workspace folder and builds what serving it needs: the checked agents and the tool
 * registry. Start-up, `agentgw check` and hot reload all go through here, so a reload reports
 * the same file:line problems as `check`. Nothing is logged; the caller decides.
 */
export async function loadServedWorkspace(options: LoadServedWorkspaceOptions): Promise<ServedWorkspace> {
  const { config, models } = options
  const loaded = await loadWorkspace(options.root, {
    validator: options.validator,
    codeToolNames: options.codeTools.map((tool) => tool.name),
  })
  const diagnostics: Diagnostic[] = [...loaded.diagnostics]
  const tools = await createToolRegistry({
    workspace: loaded,
    codeTools: options.codeTools,
    // Python workers inherit the process environment; the gateway's `env` option adds to it
    // (it may hold only the variables meant for configuration).
    python: { ...config.python, workspaceRoot: loaded.root, env: { ...process.env, ...options.env } },
    logger: options.logger,
    diagnostics,
  })
  const checked = checkAgentModels(loaded.agents, config.model, models, 'gateway.yaml')
  diagnostics.push(...checked.diagnostics)
  diagnostics.push(...checkNotificationTargets(checked.agents, config.notifications))
  const workspace = { ...loaded, agents: checked.agents }
  for (const agent of workspace.agents) {
    for (const name of agent.retrievers.filter((name) => !options.retrieverNames.has(name))) {
      diagnostics.push({
        severity: 'warning',
        file: agent.file,
        keyPath: 'retrievers',
        subject: { kind: 'agent', id: agent.id },
        message: `no retriever named "${name}" is registered (gw.useRetriever); runs skip it`,
      })
    }
  }

  const mockAgents: string[] = []
  for (const agent of workspace.agents) {
    if (models.canonical(agent.model.name ?? config.model.default).startsWith('mock:'))
      mockAgents.push(agent.id)
  }
  const notices: string[] = []
  if (mockAgents.length > 0) {
    notices.push(
      `agents ${mockAgents.join(', ')} use the built-in mock model (set model.default or AGW_MODEL for a real one)`,
    )
  }
  return { workspace, tools, diagnostics, notices }
}
