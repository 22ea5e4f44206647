import type { GatewayConfig } from '../core/config/schema.ts'
import type { ConfigIssue } from '../core/errors.ts'
import { formatConfigIssue } from '../core/errors.ts'
import type { Logger } from '../core/logger.ts'
import { compileTrust } from '../core/url/compile-trust.ts'
import type { Diagnostic } from '../core/workspace/model.ts'
import { createJsonSchemaValidator } from '../json-schema/create-json-schema-validator.ts'
import { createToolRegistry } from '../tools/create-tool-registry.ts'
import type { RegisteredTool } from '../tools/tool-types.ts'
import { loadWorkspace } from '../workspace/load-workspace.ts'
import type { GatewayRuntime } from './gateway-runtime.ts'

export interface CreateRuntimeOptions {
  config: GatewayConfig
  configWarnings: ConfigIssue[]
  workspaceRoot: string
  codeTools: readonly RegisteredTool[]
  logger: Logger
}

/** Loads the workspace and builds everything a started gateway holds. */
export async function createRuntime(options: CreateRuntimeOptions): Promise<GatewayRuntime> {
  const { config, logger } = options
  const trust = compileTrust(config.proxy.forwardedAllowIps)
  if (trust.trustAll) {
    logger.warn(
      'proxy.forwarded_allow_ips is "*": any client can set X-Forwarded-* and change links, redirects and its IP; list your proxies instead',
    )
  }
  const validator = createJsonSchemaValidator()
  const workspace = await loadWorkspace(options.workspaceRoot, {
    validator,
    codeToolNames: options.codeTools.map((tool) => tool.name),
  })
  const diagnostics: Diagnostic[] = [
    ...options.configWarnings.map((issue) => ({ ...issue, severity: 'warning' as const })),
    ...workspace.diagnostics,
  ]
  const tools = await createToolRegistry({ workspace, codeTools: options.codeTools, logger, diagnostics })
  for (const diagnostic of diagnostics) {
    logger[diagnostic.severity === 'error' ? 'error' : 'warn'](formatConfigIssue(diagnostic))
  }
  logger.info(
    {
      workspace: workspace.root,
      agents: workspace.agents.length,
      skills: workspace.skills.length,
      tools: tools.list().length,
    },
    'workspace loaded',
  )
  return { config, workspace, tools, trust, logger, validator, diagnostics }
}
