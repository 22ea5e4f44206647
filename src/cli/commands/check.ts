import pc from 'picocolors'
import { ConfigError, formatConfigIssue } from '../../core/errors.ts'
import { createSilentLogger } from '../../core/logger.ts'
import type { Diagnostic } from '../../core/workspace/model.ts'
import { Gateway } from '../../gateway.ts'
import type { GatewayOptions } from '../../gateway-options.ts'
import { requireWorkspaceFolder } from '../workspace-folder.ts'

export interface CheckOptions {
  workspace: string
  config?: string
}

type Write = (text: string) => void

function line(diagnostic: Diagnostic): string {
  const mark = diagnostic.severity === 'error' ? pc.red('[x]') : pc.yellow('[!]')
  return `    ${mark} ${formatConfigIssue(diagnostic)}`
}

/**
 * Validates config and workspace and prints ok/warnings/errors per agent, skill and tool.
 * Returns the exit code: 1 when there is any error.
 */
export async function runCheck(
  options: CheckOptions,
  write: Write = (text) => process.stdout.write(text),
): Promise<number> {
  requireWorkspaceFolder(options.workspace)
  const open = async (configFile: string | false | undefined, overrides: GatewayOptions) => {
    const gateway = new Gateway({
      ...overrides,
      workspace: options.workspace,
      ...(configFile !== undefined ? { configFile } : {}),
      // Checking must not touch the database or consume jobs.
      persistence: { enabled: false },
      queue: { runWorkers: false },
      scheduler: { enabled: false },
      logger: createSilentLogger(),
    })
    await gateway.start()
    return gateway
  }
  let gateway: Gateway
  let configErrors = 0
  try {
    gateway = await open(options.config, {})
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error
    write(`${pc.red('[x]')} configuration\n`)
    for (const issue of error.issues) write(`    ${pc.red('[x]')} ${formatConfigIssue(issue)}\n`)
    configErrors = Math.max(1, error.issues.length)
    // Still check the workspace, on the defaults, so one run reports every problem.
    try {
      gateway = await open(false, { auth: { mode: 'none' } })
    } catch (second) {
      if (!ConfigError.isInstance(second)) throw second
      for (const issue of second.issues) write(`    ${pc.red('[x]')} ${formatConfigIssue(issue)}\n`)
      write(`\n${pc.red(`${configErrors + second.issues.length} error(s)`)}\n`)
      return 1
    }
  }
  const { diagnostics } = gateway
  const { workspace, tools, models, config } = gateway.internalRuntime
  await gateway.stop()

  // How each model id was understood, so a LiteLLM id's provider is visible before a run.
  const modelOf = (agentId: string): string => {
    const agent = workspace.agents.find((candidate) => candidate.id === agentId)
    if (!agent) return ''
    const parts: string[] = []
    for (const [label, own, inherited] of [
      ['model', agent.model.name, config.model.default],
      ['fallback', agent.model.fallback, config.model.fallback ?? undefined],
    ] as const) {
      const written = own ?? inherited
      if (!written) continue
      const canonical = models.canonical(written)
      const source = own ? '' : ` ${pc.dim(`(model.${label === 'model' ? 'default' : 'fallback'})`)}`
      parts.push(`${label} ${written === canonical ? written : `${written} → ${canonical}`}${source}`)
    }
    return parts.length > 0 ? `  ${pc.dim('·')} ${parts.join(`  ${pc.dim('·')} `)}` : ''
  }
  const handlerOf = (toolId: string): string => {
    const file = workspace.tools.find((tool) => tool.id === toolId)?.handlerFile
    return file ? `  ${pc.dim('·')} ${file.slice(file.lastIndexOf('/') + 1)}` : ''
  }

  const about = (kind: string, id: string) =>
    diagnostics.filter((item) => item.subject?.kind === kind && item.subject.id === id)
  const section = (title: string, items: { kind: string; id: string; label: string }[]) => {
    write(`${pc.bold(title)}\n`)
    if (items.length === 0) write(`    ${pc.dim('(none)')}\n`)
    for (const item of items) {
      const found = about(item.kind, item.id)
      const worst = found.some((entry) => entry.severity === 'error')
        ? pc.red('[x]')
        : found.length
          ? pc.yellow('[!]')
          : pc.green('[ok]')
      write(`  ${worst} ${item.label}\n`)
      for (const diagnostic of found) write(`${line(diagnostic)}\n`)
    }
  }
  const loadedAgentIds = new Set(workspace.agents.map((agent) => agent.id))
  const subjectsOf = (kind: string) => [
    ...new Set(
      diagnostics.filter((item) => item.subject?.kind === kind).map((item) => item.subject?.id as string),
    ),
  ]
  const agentIds = [...new Set([...loadedAgentIds, ...subjectsOf('agent')])].sort()
  const skillIds = [...new Set([...workspace.skills.map((skill) => skill.id), ...subjectsOf('skill')])].sort()
  const toolIds = [...new Set([...workspace.tools.map((tool) => tool.id), ...subjectsOf('tool')])].sort()

  write(`${pc.bold('Workspace')} ${workspace.root}\n`)
  const general = diagnostics.filter((item) => !item.subject || item.subject.kind === 'workspace')
  for (const diagnostic of general) write(`${line(diagnostic)}\n`)
  section(
    'Agents',
    agentIds.map((id) => ({
      kind: 'agent',
      id,
      label: loadedAgentIds.has(id) ? `${id}${modelOf(id)}` : `${id} ${pc.dim('(not loaded)')}`,
    })),
  )
  section(
    'Skills',
    skillIds.map((id) => ({ kind: 'skill', id, label: id })),
  )
  section(
    'Tools',
    toolIds.map((id) => ({
      kind: 'tool',
      id,
      label: tools.get(id) ? `${id}${handlerOf(id)}` : `${id} ${pc.dim('(not loaded)')}`,
    })),
  )
  const errors = diagnostics.filter((item) => item.severity === 'error').length + configErrors
  const warnings = diagnostics.length + configErrors - errors
  write(`\n${errors > 0 ? pc.red(`${errors} error(s)`) : pc.green('no errors')}, ${warnings} warning(s)\n`)
  return errors > 0 ? 1 : 0
}
