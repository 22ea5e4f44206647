import { Command, InvalidArgumentError } from 'commander'
import pc from 'picocolors'
import { ConfigError, GatewayError } from '../core/errors.ts'
import { version } from '../http/package-info.ts'
import { runCheck } from './commands/check.ts'
import { runDbCommand } from './commands/db.ts'
import { registerInitCommand } from './commands/init.ts'
import { registerListCommands } from './commands/list-workspace.ts'
import { registerMcpCommand } from './commands/mcp.ts'
import { runChatCommand, runInvokeCommand } from './commands/run-agent-command.ts'
import { registerScheduleCommands } from './commands/schedules.ts'
import { runServe } from './commands/serve.ts'
import { registerVersionCommand } from './commands/version.ts'
import { exitQuietlyOnClosedPipe } from './process-exit.ts'

exitQuietlyOnClosedPipe()

function parsePort(value: string): number {
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('a port is 0-65535')
  return port
}

function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`
}

const program = new Command()
  .name('agentgw')
  .description('Serve AI agents defined in a workspace folder as a REST API.')
  .version(version)
  .showHelpAfterError()
  .addHelpText(
    'after',
    examples(
      'agentgw init my-agents',
      'agentgw serve -w my-agents',
      'agentgw invoke assistant "What time is it in Lisbon?" -w my-agents',
    ),
  )

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
  .option('--watch', 'reload the workspace when its files change (like POST /v1/reload)')
  .addHelpText(
    'after',
    examples(
      'agentgw serve -w ./workspace -p 8080',
      'agentgw serve --watch',
      'agentgw serve --log-format json',
      'agentgw serve --worker-only',
    ),
  )
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
    .addHelpText('after', examples(`agentgw db ${action} -w ./workspace`))
    .action(async (options) => {
      process.exitCode = await runDbCommand(action, options)
    })
}

program
  .command('check')
  .description('validate gateway.yaml and the workspace; exit 1 on errors')
  .option('-w, --workspace <dir>', 'workspace folder', './workspace')
  .option('-c, --config <file>', 'config file (default: <workspace>/gateway.yaml)')
  .addHelpText('after', examples('agentgw check', 'agentgw check -w ./workspace -c ./prod.yaml'))
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
  .option('-f, --format <format>', 'text (streamed) or json (the HTTP invoke response)', 'text')
  .option('-t, --timeout <ms>', 'time limit of the run', (value) => Number(value))
  .option('--log-level <level>', 'log level on stderr', 'error')
  .addHelpText(
    'after',
    examples(
      'agentgw invoke assistant "Hello"',
      `agentgw invoke weather "Outlook?" -i '{"city":"Lisbon"}'`,
      'agentgw invoke summarizer "Notes…" -f json | jq .result.output',
    ),
  )
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
  .addHelpText('after', examples('agentgw chat assistant -w ./workspace'))
  .action(async (agent, options) => {
    process.exitCode = await runChatCommand(agent, options)
  })

// One line per command module: add yours here.
registerInitCommand(program)
registerListCommands(program)
registerMcpCommand(program)
registerScheduleCommands(program)
registerVersionCommand(program)

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
  // Anything else is still one line; the stack only when asked for.
  process.stderr.write(`${pc.red('error')} ${error instanceof Error ? error.message : String(error)}\n`)
  if (process.env.AGW_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`)
  process.exit(1)
}
