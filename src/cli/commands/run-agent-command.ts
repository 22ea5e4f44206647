import { createInterface } from 'node:readline/promises'
import pc from 'picocolors'
import { Gateway } from '../../gateway.ts'
import { toRunBody } from '../../http/run-wire.ts'
import { createLogger } from '../../runtime/create-logger.ts'
import type { StreamFrame } from '../../services/run-stream.ts'
import { createPrettyLogStream } from '../pretty-log-stream.ts'

export interface AgentCommandOptions {
  workspace: string
  config?: string
  input?: string
  logLevel?: string
}

export interface InvokeCommandOptions extends AgentCommandOptions {
  format?: 'text' | 'json'
  timeout?: number
}

function openGateway(options: AgentCommandOptions): Gateway {
  return new Gateway({
    workspace: options.workspace,
    ...(options.config ? { configFile: options.config } : {}),
    // A terminal run is not a worker: queued jobs belong to the serving processes.
    queue: { runWorkers: false },
    logger: createLogger({ level: options.logLevel ?? 'error', destination: createPrettyLogStream() }),
  })
}

function parseInput(text: string | undefined): Record<string, unknown> {
  if (!text) return {}
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new Error('--input must be a JSON object, e.g. --input \'{"city":"Lisbon"}\'')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error('--input must be a JSON object')
  return value as Record<string, unknown>
}

/** The one line a failed run prints on stderr: `run failed: <code> <message>`. */
export function failureLine(status: string, code: string | undefined, message: string | undefined): string {
  return `${pc.red(`run ${status}:`)} ${code ?? 'run_failed'}${message ? ` ${message.split('\n')[0]}` : ''}`
}

/** Writes a stream's frames for a person: tokens as they come, tool activity dimmed. */
function renderFrame(
  frame: StreamFrame,
  write: (text: string) => void = (text) => process.stdout.write(text),
  writeError: (text: string) => void = (text) => process.stderr.write(text),
): void {
  switch (frame.event) {
    case 'token':
      write(frame.data.content)
      break
    case 'tool_call':
      write(pc.dim(`\n[tool ${frame.data.name} ${JSON.stringify(frame.data.arguments)}]\n`))
      break
    case 'tool_result':
      write(
        pc.dim(
          `[${frame.data.isError ? 'tool error' : 'result'} ${frame.data.name} in ${frame.data.durationMs} ms]\n`,
        ),
      )
      break
    case 'error':
      writeError(`${pc.red(frame.data.code)} ${frame.data.message}\n`)
      break
    default:
      break
  }
}

/** `agentgw invoke <agent> "<message>"`: streams the answer, or prints the result as JSON. Returns the exit code. */
export async function runInvokeCommand(
  agentId: string,
  message: string,
  options: InvokeCommandOptions,
): Promise<number> {
  const gateway = openGateway(options)
  try {
    const input = parseInput(options.input)
    if (options.format === 'json') {
      const outcome = await gateway.invoke(agentId, message, { input, timeoutMs: options.timeout })
      // The same body as `POST /v1/agents/{id}/invoke`.
      process.stdout.write(`${JSON.stringify(toRunBody(outcome), null, 2)}\n`)
      if (outcome.status === 'completed') return 0
      const error = outcome.result.error
      process.stderr.write(`${failureLine(outcome.status, error?.code, error?.message)}\n`)
      return 1
    }
    let status = 'failed'
    let failure: { code: string; message: string } | undefined
    for await (const frame of gateway.stream(agentId, message, {
      mode: 'invoke',
      input,
      timeoutMs: options.timeout,
    })) {
      if (frame.event === 'error') {
        // Reported once, after the run, as the single error line.
        failure = { code: frame.data.code, message: frame.data.message }
        continue
      }
      renderFrame(frame)
      if (frame.event === 'done') {
        status = frame.data.status
        const output = frame.data.result?.output
        if (output !== undefined && output !== null && typeof output !== 'string')
          process.stdout.write(`\n${JSON.stringify(output, null, 2)}`)
        if (status === 'completed')
          process.stdout.write(
            `\n${pc.dim(`— ${status}${frame.data.usage ? `, ${frame.data.usage.durationMs} ms` : ''}`)}\n`,
          )
      }
    }
    if (status === 'completed') return 0
    process.stderr.write(`${failureLine(status, failure?.code, failure?.message)}\n`)
    return 1
  } finally {
    await gateway.stop()
  }
}

/** `agentgw chat <agent>`: an interactive conversation in the terminal. */
export async function runChatCommand(agentId: string, options: AgentCommandOptions): Promise<number> {
  const gateway = openGateway(options)
  await gateway.start()
  const agent = gateway.internalRuntime.workspace.agents.find((candidate) => candidate.id === agentId)
  if (!agent) {
    process.stderr.write(`${pc.red('unknown agent')} "${agentId}"\n`)
    await gateway.stop()
    return 1
  }
  const input = parseInput(options.input)
  const terminal = createInterface({ input: process.stdin, output: process.stdout })
  process.stdout.write(
    `${pc.bold(agent.displayName ?? agent.id)} — type ${pc.cyan('exit')} or press Ctrl-D to leave.\n`,
  )
  let sessionId: string | undefined
  let closed = false
  terminal.once('close', () => {
    closed = true
  })
  const ask = () => {
    if (closed) return
    terminal.setPrompt(pc.green('you> '))
    terminal.prompt()
  }
  try {
    ask()
    // Iterating lines (rather than asking questions) also works when input is piped in.
    for await (const raw of terminal) {
      const line = raw.trim()
      if (line === 'exit' || line === 'quit') break
      if (line !== '') {
        process.stdout.write(pc.cyan('agent> '))
        for await (const frame of gateway.stream(agentId, line, { sessionId, input })) {
          if (frame.event === 'session' && frame.data.sessionId) sessionId = frame.data.sessionId
          renderFrame(frame)
        }
        process.stdout.write('\n')
      }
      ask()
    }
  } finally {
    terminal.close()
    await gateway.stop()
  }
  return 0
}
