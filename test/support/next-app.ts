import { type ChildProcess, spawn } from 'node:child_process'
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'
import ts from 'typescript'

const repository = path.resolve(import.meta.dirname, '..', '..')
const example = path.join(repository, 'examples', 'mount-next')
const nodeModules = path.join(repository, 'node_modules')

/** The `next` CLI of the repository's dev dependency, or `undefined` when it is not installed. */
export function nextCli(): string | undefined {
  try {
    return path.join(
      path.dirname(createRequire(import.meta.url).resolve('next/package.json')),
      'dist/bin/next',
    )
  } catch {
    return undefined
  }
}

/**
 * agentgw as the example's `node_modules/agentgw` would hold it after `npm run build`: the
 * sources as JavaScript (types stripped with TypeScript's per-file transpiler, no type check,
 * `.ts` specifiers rewritten), the package's exports, its assets, and its dependencies. Next
 * externalizes it (`serverExternalPackages`) only when it really lives under node_modules, and
 * Node does not strip types there, hence JavaScript.
 */
async function writePackage(target: string): Promise<void> {
  const manifest = JSON.parse(await readFile(path.join(repository, 'package.json'), 'utf8')) as {
    version: string
    exports: Record<string, { default: string }>
  }
  const exports = Object.fromEntries(
    Object.entries(manifest.exports).map(([entry, targets]) => [entry, targets.default]),
  )
  await mkdir(target, { recursive: true })
  await writeFile(
    path.join(target, 'package.json'),
    JSON.stringify({ name: 'agentgw', version: manifest.version, type: 'module', exports }),
  )
  await symlink(path.join(repository, 'assets'), path.join(target, 'assets'))
  await symlink(nodeModules, path.join(target, 'node_modules'))
  const source = path.join(repository, 'src')
  const files = (await readdir(source, { recursive: true })).filter(
    (file) => file.endsWith('.ts') && !file.endsWith('.test.ts'),
  )
  for (const file of files) {
    const { outputText } = ts.transpileModule(await readFile(path.join(source, file), 'utf8'), {
      fileName: file,
      compilerOptions: {
        target: ts.ScriptTarget.ES2023,
        module: ts.ModuleKind.ESNext,
        rewriteRelativeImportExtensions: true,
        verbatimModuleSyntax: true,
      },
    })
    const output = path.join(target, 'dist', file.replace(/\.ts$/, '.js'))
    await mkdir(path.dirname(output), { recursive: true })
    await writeFile(output, outputText)
  }
}

export interface NextExample {
  /** The copy of examples/mount-next that runs. */
  appDir: string
  /** Output of `next build`. */
  buildOutput: string
  /** Milliseconds `next build` took. */
  buildMs: number
  remove(): Promise<void>
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.once('error', reject)
    child.once('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${args.join(' ')} exited ${code}:\n${output}`)),
    )
  })
}

/** Environment for the Next processes: no telemetry, never an install attempt. */
export function nextEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, NEXT_TELEMETRY_DISABLED: '1', CI: '1', ...extra }
}

/**
 * Copies examples/mount-next into a temporary folder next to a link to the quickstart
 * workspace it serves, gives it the repository's `next`, `react` and TypeScript (the dev
 * dependencies) and agentgw as a package, and runs `next build` once. The example's own
 * next.config.mjs applies; the wrapper only skips type checking and linting, which would need
 * agentgw's declaration files from a full `tsc` build.
 */
export async function buildNextExample(cli: string): Promise<NextExample> {
  const root = await mkdtemp(path.join(tmpdir(), 'agw-next-'))
  const appDir = path.join(root, 'mount-next')
  for (const entry of ['app', 'lib', 'package.json', 'tsconfig.json'])
    await cp(path.join(example, entry), path.join(appDir, entry), { recursive: true })
  await cp(path.join(example, 'next.config.mjs'), path.join(appDir, 'next.config.example.mjs'))
  await writeFile(
    path.join(appDir, 'next.config.mjs'),
    "import example from './next.config.example.mjs'\n\nexport default { ...example, typescript: { ignoreBuildErrors: true }, eslint: { ignoreDuringBuilds: true } }\n",
  )
  // lib/gateway.ts serves ../quickstart/workspace relative to the app.
  await symlink(path.join(repository, 'examples', 'quickstart'), path.join(root, 'quickstart'))
  const modules = path.join(appDir, 'node_modules')
  await mkdir(path.join(modules, '@types'), { recursive: true })
  for (const name of ['next', 'react', 'react-dom', 'typescript', '@types/react', '@types/node'])
    await symlink(path.join(nodeModules, name), path.join(modules, name))
  await writePackage(path.join(modules, 'agentgw'))
  const started = performance.now()
  const buildOutput = await run(process.execPath, [cli, 'build'], appDir, nextEnv())
  return {
    appDir,
    buildOutput,
    buildMs: Math.round(performance.now() - started),
    remove: () => rm(root, { recursive: true, force: true }),
  }
}

export interface RunningNext {
  url: string
  output(): string
  stop(): Promise<void>
}

/** `next start` on `port`, resolved once `/` answers. */
export async function startNext(
  cli: string,
  appDir: string,
  port: number,
  env: Record<string, string>,
): Promise<RunningNext> {
  const child: ChildProcess = spawn(
    process.execPath,
    [cli, 'start', '--port', String(port), '--hostname', '127.0.0.1'],
    { cwd: appDir, env: nextEnv(env), stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  const collect = (chunk: Buffer) => {
    output += chunk.toString()
  }
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 60_000
  while (true) {
    if (child.exitCode !== null) throw new Error(`next start exited ${child.exitCode}:\n${output}`)
    try {
      await fetch(`${url}/`)
      break
    } catch {
      if (Date.now() > deadline) throw new Error(`next start did not answer within 60 s:\n${output}`)
      // Polling a port that is not open yet: there is no event to wait for.
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }
  return {
    url,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}
