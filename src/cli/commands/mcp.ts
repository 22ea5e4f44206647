import { serveStdio } from '@modelcontextprotocol/server/stdio'
import type { Command } from 'commander'
import { systemViewer } from '../../core/authorization.ts'
import { Gateway } from '../../gateway.ts'
import { version } from '../../http/package-info.ts'
import { createLogger } from '../../runtime/create-logger.ts'
import { createAgentMcpServer } from '../../services/mcp-server/create-agent-mcp-server.ts'
import { createPrettyLogStream } from '../pretty-log-stream.ts'

export interface McpCommandOptions {
  workspace: string
  config?: string
  logLevel?: string
}

/**
 * `agentgw mcp`: the workspace's agents as an MCP server over stdio, for local clients that
 * start it as a process. stdout carries the protocol only; logs go to stderr. The process runs
 * as its user — no API key — so runs are the host's own, like `agentgw invoke`. It ends when the
 * client closes stdin.
 */
export async function runMcpCommand(options: McpCommandOptions): Promise<void> {
  const gateway = new Gateway({
    workspace: options.workspace,
    ...(options.config ? { configFile: options.config } : {}),
    // A local tool server is not a worker: queued jobs belong to the serving processes.
    queue: { runWorkers: false },
    // No HTTP listener in this process: the client that started it is the only caller, so the
    // API's authentication settings (and the start-up refusal without keys) do not apply.
    auth: { mode: 'none' },
    logger: createLogger({
      level: options.logLevel ?? 'warn',
      destination: createPrettyLogStream(process.stderr),
    }),
  })
  await gateway.start()
  const runtime = gateway.internalRuntime
  const handle = serveStdio(
    () =>
      createAgentMcpServer({
        agents: runtime.agents,
        runner: runtime.runner,
        validator: runtime.validator,
        viewer: systemViewer,
        principal: undefined,
        serverInfo: { name: 'agentgw', version },
      }),
    { onerror: (error) => runtime.logger.warn({ err: error }, 'MCP stdio error') },
  )
  await new Promise<void>((resolve) => {
    process.stdin.once('end', resolve)
    process.stdin.once('close', resolve)
    process.once('SIGTERM', resolve)
    process.once('SIGINT', resolve)
  })
  await handle.close().catch(() => undefined)
  await gateway.stop()
}

/** Registers `agentgw mcp`. */
export function registerMcpCommand(program: Command): void {
  program
    .command('mcp')
    .description("serve the workspace's agents as an MCP server over stdio")
    .option('-w, --workspace <dir>', 'workspace folder', './workspace')
    .option('-c, --config <file>', 'config file (default: <workspace>/gateway.yaml)')
    .option('--log-level <level>', 'log level on stderr', 'warn')
    .addHelpText('after', '\nExamples:\n  $ agentgw mcp --workspace ./workspace\n')
    .action(async (options: McpCommandOptions) => {
      await runMcpCommand(options)
    })
}
