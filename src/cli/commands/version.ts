import { type Command, InvalidArgumentError } from 'commander'
import { version } from '../../http/package-info.ts'

/** `agentgw version`: the package version, and the Node running it. */
export function runVersion(format: 'text' | 'json', write: (text: string) => void): number {
  if (format === 'json') write(`${JSON.stringify({ version, node_version: process.versions.node })}\n`)
  else write(`agentgw ${version} (Node ${process.versions.node})\n`)
  return 0
}

function parseTextOrJson(value: string): 'text' | 'json' {
  if (value === 'text' || value === 'json') return value
  throw new InvalidArgumentError('expected text or json')
}

/** Registers `agentgw version`. */
export function registerVersionCommand(program: Command): void {
  program
    .command('version')
    .description('print the agentgw version and the Node version running it')
    .option('-f, --format <format>', 'text or json', parseTextOrJson, 'text')
    .addHelpText('after', '\nExamples:\n  $ agentgw version\n  $ agentgw version --format json\n')
    .action((options: { format: 'text' | 'json' }) => {
      process.exitCode = runVersion(options.format, (text) => process.stdout.write(text))
    })
}
