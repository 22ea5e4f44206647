import { randomUUID } from 'node:crypto'
import { GatewayError } from '../core/errors.ts'
import type { EngineEvent, ExecutionResult, ExecutionStatus } from '../core/execution-types.ts'
import { statusOf } from '../core/execution-types.ts'
import type { SessionStore } from '../core/storage/session-store.ts'
import type { AgentDefinition } from '../core/workspace/model.ts'
import type { JsonSchema } from '../core/workspace/tool-parameters.ts'
import { userMessageContent } from '../engine/assemble-system-prompt.ts'
import { type EngineDependencies, runAgent } from '../engine/run-agent.ts'
import type { ValidateFunction } from '../json-schema/create-json-schema-validator.ts'
import type { ToolContext } from '../tools/tool-types.ts'

/** Who is calling, as far as runs are concerned. */
export type Principal = NonNullable<ToolContext['principal']>

export interface RunOptions {
  input?: Record<string, unknown> | undefined
  /** Overall time limit. @default the agent's or gateway's `guardrails.timeout_ms` */
  timeoutMs?: number | undefined
  /** Cancels the run cooperatively. */
  signal?: AbortSignal | undefined
  principal?: Principal | undefined
  /** Receives tokens, tool calls and results as they happen. */
  onEvent?: ((event: EngineEvent) => void) | undefined
  /** Called once ids are known, before the model is called (streams send them first). */
  onStart?: ((ids: { executionId: string; sessionId: string | undefined }) => void) | undefined
}

export interface InvokeOptions extends RunOptions {
  /** Overrides the agent's `output_schema` for this call. */
  outputSchema?: JsonSchema | undefined
}

export interface ChatOptions extends RunOptions {
  /** Continue this session; a new one is created when absent. */
  sessionId?: string | undefined
}

export interface RunOutcome {
  executionId: string
  agentId: string
  status: ExecutionStatus
  result: ExecutionResult
}

export interface ChatOutcome extends RunOutcome {
  sessionId: string
  turnCount: number
}

/** Runs agents for the HTTP routes and the programmatic API. */
export interface AgentRunner {
  /** Checks that a run may start (agent exists and is enabled, input is valid); throws the envelope error. */
  prepare(agentId: string, input: Record<string, unknown>): AgentDefinition
  /** Checks that a session may be continued by this caller for this agent; throws the envelope error. */
  checkSession(agentId: string, sessionId: string, principal: Principal | undefined): Promise<void>
  invoke(agentId: string, message: string, options?: InvokeOptions): Promise<RunOutcome>
  chat(agentId: string, message: string, options?: ChatOptions): Promise<ChatOutcome>
}

export interface CreateAgentRunnerOptions {
  engine: EngineDependencies
  sessions: SessionStore
}

export function newExecutionId(): string {
  return `exec_${randomUUID().replaceAll('-', '')}`
}

export function newSessionId(): string {
  return `sess_${randomUUID().replaceAll('-', '')}`
}

/** How long a chat turn waits for the previous turn on the same session to finish. */
const sessionLockWaitMs = 120_000

export function createAgentRunner(options: CreateAgentRunnerOptions): AgentRunner {
  const { engine, sessions } = options
  const validateInput = new Map<string, ValidateFunction>()

  const prepare = (agentId: string, input: Record<string, unknown>): AgentDefinition => {
    const agent = engine.workspace.agents.find((candidate) => candidate.id === agentId)
    if (!agent) throw new GatewayError('agent_not_found', { message: `Agent "${agentId}" not found.` })
    if (!agent.enabled)
      throw new GatewayError('agent_disabled', { message: `Agent "${agentId}" is disabled.` })
    if (agent.inputSchema) {
      let validate = validateInput.get(agent.id)
      if (!validate) {
        validate = engine.validator.compile(agent.inputSchema)
        validateInput.set(agent.id, validate)
      }
      const details = validate(input).map((detail) => ({
        ...detail,
        path: `/input${detail.path === '/' ? '' : detail.path}`,
      }))
      if (details.length > 0) {
        throw new GatewayError('input_validation_failed', {
          message: `Input validation failed: ${details.map((detail) => `${detail.path} ${detail.message}`).join('; ')}`,
          details,
        })
      }
    }
    return agent
  }

  const timeoutFor = (agent: AgentDefinition, requested: number | undefined) =>
    requested ?? agent.guardrails.timeoutMs ?? engine.config.guardrails.timeoutMs

  const checkSession = async (agentId: string, sessionId: string, principal: Principal | undefined) => {
    const existing = await sessions.get(sessionId)
    const ownerId = principal?.id ?? null
    // Another caller's session is reported as missing: its existence is not theirs to learn.
    if (!existing || (existing.ownerId !== null && existing.ownerId !== ownerId)) {
      throw new GatewayError('session_not_found', { message: `Session "${sessionId}" not found.` })
    }
    if (existing.agentId !== agentId) {
      throw new GatewayError('session_agent_mismatch', {
        message: `Session "${sessionId}" belongs to agent "${existing.agentId}".`,
      })
    }
  }

  return {
    prepare,
    checkSession,

    async invoke(agentId, message, runOptions = {}) {
      const input = runOptions.input ?? {}
      const agent = prepare(agentId, input)
      const executionId = newExecutionId()
      runOptions.onStart?.({ executionId, sessionId: undefined })
      const { result } = await runAgent(engine, {
        agent,
        history: [],
        userMessage: userMessageContent(message, input),
        input,
        outputSchema: runOptions.outputSchema ?? agent.outputSchema,
        executionId,
        sessionId: undefined,
        principal: runOptions.principal,
        timeoutMs: timeoutFor(agent, runOptions.timeoutMs),
        signal: runOptions.signal,
        onEvent: runOptions.onEvent,
      })
      return { executionId, agentId, status: statusOf(result.stopReason), result }
    },

    async chat(agentId, message, runOptions = {}) {
      const input = runOptions.input ?? {}
      const agent = prepare(agentId, input)
      const ownerId = runOptions.principal?.id ?? null
      let sessionId = runOptions.sessionId
      if (sessionId !== undefined) {
        await checkSession(agentId, sessionId, runOptions.principal)
      } else {
        sessionId = newSessionId()
      }
      const id = sessionId
      return sessions.withLock(id, sessionLockWaitMs, async () => {
        const session = await sessions.get(id)
        const executionId = newExecutionId()
        runOptions.onStart?.({ executionId, sessionId: id })
        const { result, messages } = await runAgent(engine, {
          agent,
          history: session?.messages ?? [],
          userMessage: userMessageContent(message, input),
          input,
          // Chat is conversational: output schemas apply to invoke only.
          outputSchema: null,
          executionId,
          sessionId: id,
          principal: runOptions.principal,
          timeoutMs: timeoutFor(agent, runOptions.timeoutMs),
          signal: runOptions.signal,
          onEvent: runOptions.onEvent,
        })
        const status = statusOf(result.stopReason)
        const turnCount = session?.turnCount ?? 0
        // A turn that failed, timed out or was cancelled did not happen: the history stays as it was.
        if (status !== 'completed') return { executionId, agentId, status, result, sessionId: id, turnCount }
        await sessions.appendTurn(id, { agentId, ownerId, messages, at: Date.now() })
        return { executionId, agentId, status, result, sessionId: id, turnCount: turnCount + 1 }
      })
    },
  }
}
