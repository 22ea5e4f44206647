import { execFile } from 'node:child_process'
import path from 'node:path'
import type { Logger } from '../../core/logger.ts'
import {
  createPythonWorker,
  type PythonReply,
  type PythonRequest,
  type PythonWorker,
  PythonWorkerError,
} from './create-python-worker.ts'

/** The oldest Python the worker script runs on. */
const minimumVersion = [3, 8] as const

export interface PythonPoolOptions {
  /** Interpreter: a name looked up on PATH, or a path (relative to the workspace). */
  command: string
  /** Worker processes at most; calls beyond wait for a free one. */
  workers: number
  startTimeoutMs: number
  workspaceRoot: string
  env: Readonly<Record<string, string | undefined>>
  logger: Logger
}

export interface PythonCallResult {
  value: unknown
  stdout: string
  stderr: string
}

/** A handler failed (raised, or its worker died): the message says why, with its output. */
export class PythonToolError extends Error {
  readonly stdout: string
  readonly stderr: string
  constructor(message: string, output: { stdout: string; stderr: string }) {
    super(message)
    this.name = 'PythonToolError'
    this.stdout = output.stdout
    this.stderr = output.stderr
  }
}

/**
 * Python handlers of one gateway: a pool of `python3` workers, started on demand and replaced
 * when one dies or is killed. Each runs one call at a time, so killing a worker (timeout,
 * cancellation) stops exactly the call that needed stopping.
 */
export interface PythonPool {
  /** Why Python cannot be used (missing or too old), or `null` when it can. Checked once. */
  availability(): Promise<string | null>
  /** Imports a handler and checks that it defines `handle`; the reason when it cannot, else `null`. */
  load(file: string): Promise<string | null>
  /** Calls `handle(arguments, context)`; `signal` aborts (and kills the worker). */
  call(
    file: string,
    args: Record<string, unknown>,
    context: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<PythonCallResult>
  close(): Promise<void>
}

/** `python.command` as given: a bare name is looked up on PATH, anything else is a path. */
export function resolvePythonCommand(command: string, workspaceRoot: string): string {
  return command.includes('/') || command.includes(path.sep) ? path.resolve(workspaceRoot, command) : command
}

export function createPythonPool(options: PythonPoolOptions): PythonPool {
  const command = resolvePythonCommand(options.command, options.workspaceRoot)
  const workers = new Set<PythonWorker>()
  const idle: PythonWorker[] = []
  const waiting: { resolve: (worker: PythonWorker) => void; reject: (error: Error) => void }[] = []
  let availability: Promise<string | null> | undefined
  let closed = false

  const probe = (): Promise<string | null> =>
    new Promise((resolve) => {
      execFile(
        command,
        ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'],
        { env: options.env as NodeJS.ProcessEnv, timeout: options.startTimeoutMs },
        (error, stdout) => {
          const fix = `install Python 3 (Debian/Ubuntu: apt-get install python3) or set python.command in gateway.yaml to the interpreter to use`
          if (error) {
            const missing = (error as NodeJS.ErrnoException).code === 'ENOENT'
            resolve(
              missing
                ? `handler.py needs Python, but "${options.command}" was not found${command === options.command ? ' on PATH' : ''}: ${fix}`
                : `handler.py needs Python, but "${options.command}" failed to run (${error.message.split('\n')[0]}): ${fix}`,
            )
            return
          }
          const [major = 0, minor = 0] = stdout.trim().split('.').map(Number)
          const [wantMajor, wantMinor] = minimumVersion
          resolve(
            major > wantMajor || (major === wantMajor && minor >= wantMinor)
              ? null
              : `handler.py needs Python ${wantMajor}.${wantMinor} or newer, but "${options.command}" is ${stdout.trim()}: ${fix}`,
          )
        },
      )
    })

  const spawnWorker = (): PythonWorker => {
    const worker = createPythonWorker({
      command,
      cwd: options.workspaceRoot,
      env: options.env,
      startTimeoutMs: options.startTimeoutMs,
      onExit: () => {
        workers.delete(worker)
        const index = idle.indexOf(worker)
        if (index !== -1) idle.splice(index, 1)
        // A waiting call gets a fresh worker instead of the one that died.
        const next = waiting.shift()
        if (next && !closed) next.resolve(spawnWorker())
      },
    })
    workers.add(worker)
    return worker
  }

  // A worker is either idle or handed to exactly one call until that call releases it.
  const acquire = (): Promise<PythonWorker> => {
    const free = idle.pop()
    if (free) return Promise.resolve(free)
    if (workers.size < options.workers) return Promise.resolve(spawnWorker())
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }))
  }

  const release = (worker: PythonWorker) => {
    if (!worker.alive || closed) return
    const next = waiting.shift()
    if (next) next.resolve(worker)
    else idle.push(worker)
  }

  const run = async (request: PythonRequest, signal?: AbortSignal): Promise<PythonReply> => {
    if (closed) throw new Error('the gateway is stopping')
    signal?.throwIfAborted()
    const worker = await acquire()
    try {
      await worker.ready
      signal?.throwIfAborted()
      const reply = worker.request(request)
      if (!signal) return await reply
      return await new Promise<PythonReply>((resolve, reject) => {
        const onAbort = () => {
          worker.kill('aborted')
          reject(signal.reason)
        }
        signal.addEventListener('abort', onAbort, { once: true })
        reply.then(
          (value) => {
            signal.removeEventListener('abort', onAbort)
            resolve(value)
          },
          (error: unknown) => {
            signal.removeEventListener('abort', onAbort)
            reject(error)
          },
        )
      })
    } finally {
      release(worker)
    }
  }

  return {
    availability() {
      availability ??= probe()
      return availability
    },
    async load(file) {
      try {
        const reply = await run({ type: 'load', file })
        return reply.ok ? null : (reply.error ?? 'the handler failed to load')
      } catch (error) {
        return error instanceof PythonWorkerError
          ? `${error.message}${error.stderr ? `: ${error.stderr.trim().split('\n').at(-1)}` : ''}`
          : (error as Error).message
      }
    },
    async call(file, args, context, signal) {
      let reply: PythonReply
      try {
        reply = await run({ type: 'call', file, arguments: args, context }, signal)
      } catch (error) {
        if (error instanceof PythonWorkerError) {
          options.logger.warn({ file, reason: error.message }, 'a Python tool worker died during a call')
          throw new PythonToolError(`${error.message} while running the tool`, {
            stdout: '',
            stderr: error.stderr,
          })
        }
        throw error
      }
      if (!reply.ok) throw new PythonToolError(reply.error ?? 'the handler failed', reply)
      return { value: reply.value, stdout: reply.stdout, stderr: reply.stderr }
    },
    async close() {
      closed = true
      for (const call of waiting.splice(0)) call.reject(new Error('the gateway is stopping'))
      idle.length = 0
      for (const worker of workers) worker.kill('the gateway is stopping')
      workers.clear()
    },
  }
}
