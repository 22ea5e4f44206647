import { type ChildProcessByStdio, spawn } from 'node:child_process'
import path from 'node:path'
import { createInterface } from 'node:readline'
import type { Readable, Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'

/**
 * The worker script run by `python3` (standard library only), in the package's `assets/`. This
 * module sits three levels below the package root in src/ and dist/ alike.
 */
export const pythonWorkerScript = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'assets',
  'python',
  'agentgw_tool_worker.py',
)

/** Captured output beyond this is cut, so a chatty handler cannot grow a trace without bound. */
const maxCapturedChars = 64 * 1024

export type PythonRequest =
  | { type: 'load'; file: string }
  | {
      type: 'call'
      file: string
      arguments: Record<string, unknown>
      context: Record<string, unknown>
    }

export interface PythonReply {
  ok: boolean
  value?: unknown
  error?: string
  stdout: string
  stderr: string
}

/** Why a worker stopped serving a request: it exited, or it was killed on purpose. */
export class PythonWorkerError extends Error {
  /** Output the worker wrote before it stopped. */
  readonly stderr: string
  constructor(message: string, stderr: string) {
    super(message)
    this.name = 'PythonWorkerError'
    this.stderr = stderr
  }
}

/** One `python3` process running the worker script; one request at a time. */
export interface PythonWorker {
  /** Resolves with the Python version once the worker answered `ready`. */
  readonly ready: Promise<string>
  readonly busy: boolean
  readonly alive: boolean
  /** Sends one request; rejects with `PythonWorkerError` when the process dies first. */
  request(request: PythonRequest): Promise<PythonReply>
  /** Kills the process (SIGKILL): the only way to stop a handler that does not return. */
  kill(reason: string): void
}

export interface CreatePythonWorkerOptions {
  command: string
  cwd: string
  env: Readonly<Record<string, string | undefined>>
  /** How long the interpreter may take to answer `ready`. */
  startTimeoutMs: number
  /** Called once when the process is gone, for whatever reason. */
  onExit: () => void
}

function append(buffer: string, text: string): string {
  if (buffer.length >= maxCapturedChars) return buffer
  const joined = buffer + text
  return joined.length > maxCapturedChars
    ? `${joined.slice(0, maxCapturedChars)}\n[output truncated]`
    : joined
}

/**
 * Starts a worker. Replies arrive as JSON lines on its stdout; its stderr is what handlers wrote
 * below the Python level (C extensions, child processes) and is added to the current request's
 * captured stderr.
 */
export function createPythonWorker(options: CreatePythonWorkerOptions): PythonWorker {
  let child: ChildProcessByStdio<Writable, Readable, Readable>
  let alive = true
  // Set by kill(): the process is going away even though its exit has not been seen yet.
  let killed = false
  let pending:
    | { id: number; resolve: (reply: PythonReply) => void; reject: (error: Error) => void; stderr: string }
    | undefined
  let nextId = 1
  let background = ''
  let exitReason: string | undefined
  let markReady: (version: string) => void = () => {}
  let failReady: (error: Error) => void = () => {}
  const ready = new Promise<string>((resolve, reject) => {
    markReady = resolve
    failReady = reject
  })
  // A worker that never becomes ready is not an unhandled rejection: callers await `ready`.
  ready.catch(() => undefined)

  const stop = (message: string) => {
    if (!alive) return
    alive = false
    const stderr = pending?.stderr ?? background
    const error = new PythonWorkerError(message, stderr)
    failReady(error)
    pending?.reject(error)
    pending = undefined
    options.onExit()
  }

  try {
    child = spawn(options.command, ['-u', pythonWorkerScript], {
      cwd: options.cwd,
      env: { ...options.env, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' } as NodeJS.ProcessEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
    })
  } catch (error) {
    queueMicrotask(() => stop(`python could not be started: ${(error as Error).message}`))
    return {
      ready,
      get busy() {
        return false
      },
      get alive() {
        return alive
      },
      request: () => Promise.reject(new PythonWorkerError('python could not be started', '')),
      kill: () => {},
    }
  }

  const startTimer = setTimeout(() => {
    exitReason = `python did not start within ${options.startTimeoutMs} ms`
    child.kill('SIGKILL')
  }, options.startTimeoutMs)
  startTimer.unref?.()

  child.on('error', (error) => stop(`python could not be started: ${error.message}`))
  child.on('exit', (code, signal) => {
    clearTimeout(startTimer)
    stop(exitReason ?? `the Python worker exited (${signal ? `signal ${signal}` : `code ${code}`})`)
  })
  child.stdin.on('error', () => undefined)
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (text: string) => {
    if (pending) pending.stderr = append(pending.stderr, text)
    else background = append(background, text).slice(-maxCapturedChars)
  })
  const lines = createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY })
  lines.on('line', (line) => {
    let message: { type?: string; id?: number; python?: string } & Partial<PythonReply>
    try {
      message = JSON.parse(line)
    } catch {
      return
    }
    if (message.type === 'ready') {
      clearTimeout(startTimer)
      markReady(String(message.python ?? 'unknown'))
      return
    }
    if (message.type !== 'result' || !pending || message.id !== pending.id) return
    const current = pending
    pending = undefined
    current.resolve({
      ok: message.ok === true,
      value: message.value,
      error: message.error,
      stdout: append('', message.stdout ?? ''),
      stderr: append(current.stderr, message.stderr ?? ''),
    })
  })

  return {
    ready,
    get busy() {
      return pending !== undefined
    },
    get alive() {
      return alive && !killed
    },
    request(request) {
      if (!alive || killed)
        return Promise.reject(new PythonWorkerError('the Python worker is not running', ''))
      if (pending) return Promise.reject(new Error('the Python worker is busy'))
      const id = nextId++
      return new Promise<PythonReply>((resolve, reject) => {
        pending = { id, resolve, reject, stderr: '' }
        child.stdin.write(`${JSON.stringify({ ...request, id })}\n`)
      })
    },
    kill(reason) {
      if (!alive || killed) return
      killed = true
      exitReason = reason
      child.kill('SIGKILL')
    },
  }
}
