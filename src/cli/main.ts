import { Command, InvalidArgumentError } from 'commander'
import pc from 'picocolors'
import { ConfigError, GatewayError } from '../core/errors.ts'
import { version } from '../http/package-info.ts'
import { runCheck } from './commands/check.ts'
import { runDbCommand } from './commands/db.ts'
import { runMcpCommand } from './commands/mcp.ts'
import { runChatCommand, runInvokeCommand } from './commands/run-agent-command.ts'
import { runServe } from './commands/serve.ts'

function parsePort(value: string): number {
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('a port is 0-65535')
  return port
}

const program = new Command()
  .name('agentgw')
  .description('Serve AI agents defined in a workspace folder as a REST API.')
  .version(version)
  .showHelpAfterError()

program
  .command('serve')
  .description('start the gateway on its own HTTP server')
  .option('-w, --workspace <dir>', 'workspace folder', './workspace')
  .option('-c, --config <file>', 'config file (default: <workspace>/gateway.yaml)')
  .option('-p, --port <port>', 'port (default: server.port, 8000)', parsePort)
  .option('-H, --host <host>', 'interface to bind (default: server.host, 127.0.0.1)')
  .option('--log-format <format>', 'pretty or json (default: pretty on a terminal)')
  .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent')
  .option('--worker-only', 'run queued executions without an HTTP server')
  .action(async (options) => {
    await runServe(options)
  })

const db = program.command('db').description('database migrations')
for (const [action, description] of [
  ['migrate', 'apply pending migrations'],
  ['status', 'list migrations and whether they are applied'],
  ['rollback', 'undo the last applied migration'],
] as const) {
  db.command(action)
    .description(description)
    .option('-w, --workspace <dir>', 'workspace folder', './workspace')
    .option('-c, --config <file>', 'config file (default: <workspace>/gateway.yaml)')
    .action(async (options) => {
      process.exitCode = await runDbCommand(action, options)
    })
}

program
  .command('mcp')
  .description("serve the workspace's agents as an MCP server over stdio")
  .option('-w, --workspace <dir>', 'workspace folder', './workspace')
  .option('-c, --config <file>', 'config file (default: <workspace>/gateway.yaml)')
  .option('--log-level <level>', 'log level on stderr', 'warn')
  .action(async (options) => {
    await runMcpCommand(options)
  })

program
  .command('check')
  .description('validate gateway.yaml and the workspace; exit 1 on errors')
  .option('-w, --workspace <dir>', 'workspace folder', './workspace')
  .option('-c, --config <file>', 'config file (default: <workspace>/gateway.yaml)')
  .action(async (options) => {
    process.exitCode = await runCheck(options)
  })

program
  .command('invoke')
  .description('run an agent once, streaming its answer')
  .argument('<agent>', 'agent id')
  .argument('<message>', 'the message')
  .option('-w, --workspace <dir>', 'workspace folder', './workspace')
  .option('-c, --config <file>', 'config file (default: <workspace>/gateway.yaml)')
  .option('-i, --input <json>', 'structured input as a JSON object')
  .option('-f, --format <format>', 'text (streamed) or json', 'text')
  .option('-t, --timeout <ms>', 'time limit of the run', (value) => Number(value))
  .option('--log-level <level>', 'log level on stderr', 'error')
  .action(async (agent, message, options) => {
    process.exitCode = await runInvokeCommand(agent, message, options)
  })

program
  .command('chat')
  .description('chat with an agent in the terminal')
  .argument('<agent>', 'agent id')
  .option('-w, --workspace <dir>', 'workspace folder', './workspace')
  .option('-c, --config <file>', 'config file (default: <workspace>/gateway.yaml)')
  .option('-i, --input <json>', 'structured input sent with every turn')
  .option('--log-level <level>', 'log level on stderr', 'error')
  .action(async (agent, options) => {
    process.exitCode = await runChatCommand(agent, options)
  })

try {
  await program.parseAsync()
} catch (error) {
  if (ConfigError.isInstance(error)) {
    process.stderr.write(`${pc.red('Configuration error')}\n  ${error.message.replace(/\n/g, '\n  ')}\n`)
    process.exit(1)
  }
  if (GatewayError.isInstance(error)) {
    process.stderr.write(`${pc.red(error.code)} ${error.message}\n`)
    process.exit(1)
  }
  throw error
}
