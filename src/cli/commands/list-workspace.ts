import type { Command } from 'commander'
import { createSilentLogger } from '../../core/logger.ts'
import { Gateway } from '../../gateway.ts'
import { toAgentInfo, toSkillInfo, toToolInfo } from '../../http/workspace-wire.ts'
import { type OutputColumn, type OutputFormat, parseOutputFormat, writeOutput } from '../format-output.ts'
import { requireWorkspaceFolder } from '../workspace-folder.ts'

export interface ListOptions {
  workspace: string
  config?: string
  format: OutputFormat
}

type Kind = 'agents' | 'skills' | 'tools'

/** Table and CSV columns; `--format json` prints the full objects of `GET /v1/<kind>`. */
const columnsOf: Record<Kind, OutputColumn[]> = {
  agents: [
    { key: 'id' },
    { key: 'model' },
    { key: 'execution_mode', header: 'mode' },
    { key: 'tools' },
    { key: 'description' },
  ],
  skills: [{ key: 'id' }, { key: 'tools' }, { key: 'step_count', header: 'steps' }, { key: 'description' }],
  tools: [
    { key: 'name' },
    { key: 'source' },
    { key: 'require_approval', header: 'approval' },
    { key: 'description' },
  ],
}

/** Loads the workspace without a database or workers, like `agentgw check`. */
async function inspectWorkspace(options: ListOptions): Promise<Gateway> {
  requireWorkspaceFolder(options.workspace)
  const gateway = new Gateway({
    workspace: options.workspace,
    ...(options.config ? { configFile: options.config } : {}),
    persistence: { enabled: false },
    queue: { runWorkers: false },
    logger: createSilentLogger(),
    // Listing serves nothing, so a missing API key is no reason to refuse.
    auth: { mode: 'none' },
  })
  await gateway.start()
  return gateway
}

/** `agentgw agents|skills|tools`: lists what the workspace defines. Returns the exit code. */
export async function runListCommand(kind: Kind, options: ListOptions): Promise<number> {
  const gateway = await inspectWorkspace(options)
  try {
    const runtime = gateway.internalRuntime
    const rows =
      kind === 'agents'
        ? (await runtime.agents.list()).map((agent) => toAgentInfo(agent, runtime))
        : kind === 'skills'
          ? runtime.workspace.skills.map(toSkillInfo)
          : runtime.tools.list().map(toToolInfo)
    writeOutput(process.stdout, rows, { format: options.format, columns: columnsOf[kind] })
    return 0
  } finally {
    await gateway.stop()
  }
}

/** Registers `agentgw agents`, `agentgw skills` and `agentgw tools`. */
export function registerListCommands(program: Command): void {
  for (const [kind, description] of [
    ['agents', 'list the agents of the workspace'],
    ['skills', 'list the skills of the workspace'],
    ['tools', 'list the tools agents can call'],
  ] as const) {
    program
      .command(kind)
      .description(description)
      .option('-w, --workspace <dir>', 'workspace folder', './workspace')
      .option('-c, --config <file>', 'config file (default: <workspace>/gateway.yaml)')
      .option('-f, --format <format>', 'table, json or csv', parseOutputFormat, 'table')
      .addHelpText(
        'after',
        `\nExamples:\n  $ agentgw ${kind} -w ./workspace\n  $ agentgw ${kind} --format json | jq '.[].${kind === 'tools' ? 'name' : 'id'}'\n  $ agentgw ${kind} --format csv > ${kind}.csv\n`,
      )
      .action(async (options: ListOptions) => {
        process.exitCode = await runListCommand(kind, options)
      })
  }
}
