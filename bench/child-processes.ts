import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type {
  DriverCommand,
  DriverJob,
  DriverReport,
  DriverResult,
  TargetCommand,
  TargetReport,
  TargetSpec,
} from './protocol.ts'

const children = new Set<ChildProcess>()

/** Kills every child still running: on exit, on a signal, on the time limit. */
export function killChildren(): void {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  children.clear()
}

/**
 * Starts a bench script on this Node (the repository's pinned one when run through npm), with
 * an IPC channel and `agentgw` resolved to `src/`.
 */
function spawnScript(
  script: string,
  args: string[],
  execArgv: string[],
): { child: ChildProcess; output: () => string } {
  const child = spawn(
    process.execPath,
    [...execArgv, '--conditions=agentgw-source', fileURLToPath(new URL(script, import.meta.url)), ...args],
    { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env: { ...process.env, AGW_TELEMETRY__LOG_LEVEL: 'warn' } },
  )
  children.add(child)
  child.once('exit', () => children.delete(child))
  let output = ''
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000)
  }
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)
  return { child, output: () => output }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

/** A target server in its own process. */
export class TargetProcess {
  readonly port: number
  readonly basePath: string
  readonly #child: ChildProcess
  readonly #output: () => string

  private constructor(child: ChildProcess, output: () => string, ready: { port: number; basePath: string }) {
    this.#child = child
    this.#output = output
    this.port = ready.port
    this.basePath = ready.basePath
  }

  /** Starts a target and waits until it listens. `execArgv` adds Node flags (e.g. `--cpu-prof`). */
  static async start(spec: TargetSpec, execArgv: string[] = []): Promise<TargetProcess> {
    const { child, output } = spawnScript(
      './targets/target-main.ts',
      [JSON.stringify(spec)],
      ['--expose-gc', ...execArgv],
    )
    const ready = await new Promise<{ port: number; basePath: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${spec.kind} did not start:\n${output()}`)), 30_000)
      child.on('message', (report: TargetReport) => {
        if (report.type === 'ready') {
          clearTimeout(timer)
          resolve(report)
        } else if (report.type === 'failed') {
          clearTimeout(timer)
          reject(new Error(`${spec.kind} failed to start: ${report.message}\n${output()}`))
        }
      })
      child.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`${spec.kind} exited (${code}) before it was ready:\n${output()}`))
      })
    })
    return new TargetProcess(child, output, ready)
  }

  /** `http://127.0.0.1:<port><basePath><path>` */
  url(path: string): string {
    return `http://127.0.0.1:${this.port}${this.basePath}${path}`
  }

  /** RSS and heap of the target, after a full garbage collection unless `collect` is false. */
  memory(collect = true): Promise<{ rss: number; heapUsed: number }> {
    return new Promise((resolve, reject) => {
      const onMessage = (report: TargetReport) => {
        if (report.type !== 'memory') return
        this.#child.off('message', onMessage)
        resolve(report)
      }
      this.#child.on('message', onMessage)
      if (!this.#child.send({ type: 'memory', collect } satisfies TargetCommand))
        reject(new Error(`the target is gone:\n${this.#output()}`))
    })
  }

  /** Asks the target to close and exit (so a CPU profile gets written); kills it after 10 s. */
  async stop(): Promise<void> {
    if (this.#child.connected) this.#child.send({ type: 'stop' } satisfies TargetCommand)
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 10_000)
    await exited(this.#child)
    clearTimeout(timer)
  }
}

/** The load driver (autocannon and the SSE client) in its own process. */
export class DriverProcess {
  readonly #child: ChildProcess
  readonly #output: () => string
  #nextId = 1

  private constructor(child: ChildProcess, output: () => string) {
    this.#child = child
    this.#output = output
  }

  static start(): DriverProcess {
    const { child, output } = spawnScript('./driver/driver-main.ts', [], [])
    return new DriverProcess(child, output)
  }

  run<R extends DriverResult>(job: DriverJob): Promise<R> {
    const id = this.#nextId++
    return new Promise((resolve, reject) => {
      const onExit = () => reject(new Error(`the driver exited:\n${this.#output()}`))
      const onMessage = (report: DriverReport) => {
        if (report.id !== id) return
        this.#child.off('message', onMessage)
        this.#child.off('exit', onExit)
        if (report.type === 'done') resolve(report.result as R)
        else reject(new Error(`${job.type} job failed: ${report.message}`))
      }
      this.#child.on('message', onMessage)
      this.#child.once('exit', onExit)
      this.#child.send({ id, job } satisfies DriverCommand)
    })
  }

  async stop(): Promise<void> {
    this.#child.disconnect()
    await exited(this.#child)
  }
}
