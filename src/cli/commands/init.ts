import { existsSync } from 'node:fs'
import { mkdir, readdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Command } from 'commander'
import pc from 'picocolors'
import { initFiles } from '../init-templates.ts'

/** Creates a workspace in `dir`; refuses when the folder exists and is not empty. Returns the exit code. */
export async function runInit(
  dir: string,
  write: (text: string) => void = (text) => process.stdout.write(text),
  writeError: (text: string) => void = (text) => process.stderr.write(text),
): Promise<number> {
  const root = path.resolve(dir)
  if (existsSync(root) && (await readdir(root)).length > 0) {
    writeError(
      `${pc.red('error')} ${dir} is not empty; agentgw init only writes into a new or empty folder\n`,
    )
    return 1
  }
  for (const [file, content] of Object.entries(initFiles)) {
    const target = path.join(root, file)
    await mkdir(path.dirname(target), { recursive: true })
    // `wx` fails instead of overwriting if something appeared meanwhile.
    await writeFile(target, content, { flag: 'wx' })
  }
  const shown = path.relative(process.cwd(), root) || '.'
  write(`Created a workspace in ${pc.cyan(shown)}:\n`)
  for (const file of Object.keys(initFiles)) write(`  ${file}\n`)
  write(`\nNext:\n  agentgw check -w ${shown}\n  agentgw serve -w ${shown}\n`)
  return 0
}

/** Registers `agentgw init [dir]`. */
export function registerInitCommand(program: Command): void {
  program
    .command('init')
    .description('create a workspace: one agent, one skill, one file tool and a commented gateway.yaml')
    .argument('[dir]', 'folder to create (must be new or empty)', './workspace')
    .addHelpText(
      'after',
      '\nExamples:\n  $ agentgw init\n  $ agentgw init my-agents && agentgw serve -w my-agents\n',
    )
    .action(async (dir: string) => {
      process.exitCode = await runInit(dir)
    })
}
