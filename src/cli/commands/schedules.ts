import type { Command } from 'commander'
import { systemViewer } from '../../core/authorization.ts'
import { createSilentLogger } from '../../core/logger.ts'
import { Gateway } from '../../gateway.ts'
import { type ScheduleInfo, toScheduleInfo } from '../../http/schedule-wire.ts'
import { type OutputColumn, type OutputFormat, parseOutputFormat, writeOutput } from '../format-output.ts'
import { requireWorkspaceFolder } from '../workspace-folder.ts'

export interface ScheduleCommandOptions {
  workspace: string
  config?: string
  /** A running gateway (with its prefix), e.g. `https://example.com/ai`; instead of the workspace. */
  url?: string
  /** Bearer credential for `--url`. @default AGW_API_KEY */
  apiKey?: string
  format: OutputFormat
}

type Action = 'pause' | 'resume' | 'trigger'

const columns: OutputColumn[] = [
  { key: 'id' },
  { key: 'cron_expr', header: 'cron' },
  { key: 'timezone' },
  { key: 'enabled' },
  { key: 'next_run_at' },
  { key: 'last_run_at' },
  { key: 'source' },
]

/** What the commands need from either side: the workspace's database, or a running gateway. */
interface ScheduleClient {
  list(): Promise<ScheduleInfo[]>
  act(id: string, action: Action): Promise<Record<string, unknown>>
  close(): Promise<void>
}

/**
 * The schedules in the workspace's own database (as configured in its gateway.yaml), as an
 * operator sees them: every schedule. The ticker does not run and no worker starts here; a
 * triggered run is queued for the gateway's workers.
 */
async function openWorkspace(options: ScheduleCommandOptions): Promise<ScheduleClient> {
  requireWorkspaceFolder(options.workspace)
  const gateway = new Gateway({
    workspace: options.workspace,
    ...(options.config ? { configFile: options.config } : {}),
    queue: { runWorkers: false },
    scheduler: { enabled: false },
    logger: createSilentLogger(),
    auth: { mode: 'none' },
  })
  await gateway.start()
  const runtime = gateway.internalRuntime
  const info = (record: Parameters<typeof toScheduleInfo>[0]) =>
    toScheduleInfo(record, runtime.config.timezone)
  return {
    async list() {
      return (await runtime.schedules.listVisible(systemViewer)).map(info)
    },
    async act(id, action) {
      if (action === 'trigger') {
        const { executionId } = await runtime.schedules.trigger(id, systemViewer)
        return { status: 'triggered', schedule_id: id, execution_id: executionId }
      }
      const record = await runtime.schedules.setEnabled(id, action === 'resume', systemViewer)
      return { status: action === 'pause' ? 'paused' : 'resumed', schedule_id: id, schedule: info(record) }
    },
    close: () => gateway.stop(),
  }
}

/** The schedules of a running gateway, through its HTTP API. */
function openRemote(base: string, apiKey: string | undefined): ScheduleClient {
  const root = base.replace(/\/+$/, '')
  const call = async (method: string, path: string) => {
    const response = await fetch(`${root}${path}`, {
      method,
      headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
    })
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>
    if (!response.ok) {
      const error = body.error as { code?: string; message?: string } | undefined
      throw new Error(
        `${response.status} ${error?.code ?? 'error'}: ${error?.message ?? response.statusText}`,
      )
    }
    return body
  }
  return {
    async list() {
      return (await call('GET', '/v1/schedules')).items as ScheduleInfo[]
    },
    act: (id, action) => call('POST', `/v1/schedules/${encodeURIComponent(id)}/${action}`),
    close: async () => {},
  }
}

async function withClient(
  options: ScheduleCommandOptions,
  use: (client: ScheduleClient) => Promise<void>,
): Promise<number> {
  const client = options.url
    ? openRemote(options.url, options.apiKey ?? process.env.AGW_API_KEY)
    : await openWorkspace(options)
  try {
    await use(client)
    return 0
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
    return 1
  } finally {
    await client.close()
  }
}

/** `agentgw schedules list`. Returns the exit code. */
export function runScheduleList(options: ScheduleCommandOptions): Promise<number> {
  return withClient(options, async (client) => {
    writeOutput(process.stdout, await client.list(), { format: options.format, columns })
  })
}

/** `agentgw schedules pause|resume|trigger <id>`. Returns the exit code. */
export function runScheduleAction(
  action: Action,
  id: string,
  options: ScheduleCommandOptions,
): Promise<number> {
  return withClient(options, async (client) => {
    const outcome = await client.act(id, action)
    if (options.format === 'json') {
      process.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`)
      return
    }
    const execution = outcome.execution_id ? ` (execution ${String(outcome.execution_id)})` : ''
    process.stdout.write(`${id}: ${String(outcome.status)}${execution}\n`)
  })
}

function commonOptions(command: Command): Command {
  return command
    .option(
      '-w, --workspace <dir>',
      'workspace folder (its database, as gateway.yaml configures it)',
      './workspace',
    )
    .option('-c, --config <file>', 'config file (default: <workspace>/gateway.yaml)')
    .option('--url <url>', 'a running gateway instead, with its prefix (e.g. http://127.0.0.1:8000/ai)')
    .option('--api-key <key>', 'API key for --url (default: AGW_API_KEY)')
    .option('-f, --format <format>', 'table, json or csv', parseOutputFormat, 'table')
}

/** Registers `agentgw schedules list|trigger|pause|resume`. */
export function registerScheduleCommands(program: Command): void {
  const schedules = program
    .command('schedules')
    .description('list, trigger, pause and resume cron schedules')
    .addHelpText(
      'after',
      '\nExamples:\n  $ agentgw schedules list -w ./workspace\n  $ agentgw schedules pause briefer:weekday\n  $ agentgw schedules trigger briefer:weekday --url http://127.0.0.1:8000 --api-key $KEY\n  $ agentgw schedules list --format csv > schedules.csv\n',
    )
  commonOptions(schedules.command('list').description('list schedules with their next and last runs')).action(
    async (options: ScheduleCommandOptions) => {
      process.exitCode = await runScheduleList(options)
    },
  )
  for (const [action, description] of [
    ['trigger', 'run a schedule now (a manual run; the next tick stays)'],
    ['pause', 'pause a schedule (stays paused across restarts)'],
    ['resume', 'resume a schedule from its next tick'],
  ] as const) {
    commonOptions(schedules.command(`${action} <id>`).description(description)).action(
      async (id: string, options: ScheduleCommandOptions) => {
        process.exitCode = await runScheduleAction(action, id, options)
      },
    )
  }
}
