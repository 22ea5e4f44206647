import { type ChildProcess, spawn } from 'node:child_process'
import path from 'node:path'

const cli = path.resolve('bin/agentgw.js')

export interface SpawnedGateway {
  child: ChildProcess
  /** `http://127.0.0.1:<port>`, or `undefined` for a worker-only process. */
  url: string | undefined
  /** Everything the process logged so far. */
  output(): string
  /** Sends a signal and waits for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

export interface SpawnGatewayOptions {
  workspace: string
  env?: Record<string, string>
  workerOnly?: boolean
  /** More `agentgw serve` arguments, e.g. `['--watch']`. */
  args?: string[]
  /** How long to wait for readiness. @default 20 s */
  timeoutMs?: number
}

/**
 * Starts `agentgw serve` in its own process (JSON logs) and resolves once it listens (or, for a
 * worker, once its worker runs).
 */
export async function spawnGateway(options: SpawnGatewayOptions): Promise<SpawnedGateway> {
  const args = [cli, 'serve', '--workspace', options.workspace, '--log-format', 'json']
  if (options.workerOnly) args.push('--worker-only')
  else args.push('--port', '0')
  args.push(...(options.args ?? []))
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, AGW_TELEMETRY__LOG_LEVEL: 'info', ...options.env },
  })
  let output = ''
  const collect = (chunk: Buffer) => {
    output += chunk.toString()
  }
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const ready = await new Promise<string | undefined>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the gateway did not start:\n${output}`)),
      options.timeoutMs ?? 60_000,
    )
    const check = () => {
      const listening = /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"gateway listening"/.exec(output)
      if (listening) {
        clearTimeout(timer)
        resolve(listening[1])
      } else if (options.workerOnly && output.includes('"msg":"worker running')) {
        clearTimeout(timer)
        resolve(undefined)
      }
    }
    child.stdout?.on('data', check)
    child.once('exit', () => {
      clearTimeout(timer)
      reject(new Error(`the gateway exited before it was ready:\n${output}`))
    })
  })
  return {
    child,
    url: ready,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      return exited
    },
  }
}

/** Polls `probe` until it returns a value other than `undefined`, or fails after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  while (Date.now() < deadline) {
    try {
      const value = await probe()
      if (value !== undefined) return value
    } catch (error) {
      last = error
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
  throw new Error(`timed out waiting${last ? `: ${String(last)}` : ''}`)
}
