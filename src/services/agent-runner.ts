import { randomUUID } from 'node:crypto'
import { ownerIdOf, principalOf, type Viewer } from '../core/authorization.ts'
import { GatewayError } from '../core/errors.ts'
import {
  addUsage,
  type ChatMessage,
  type EngineEvent,
  type ExecutionResult,
  type ExecutionStatus,
  emptyUsage,
  type PendingApproval,
  statusOf,
  type Usage,
} from '../core/execution-types.ts'
import type { Logger } from '../core/logger.ts'
import type { SessionStore } from '../core/ports/session-store.ts'
import type { Principal } from '../core/principal.ts'
import type { AgentDefinition } from '../core/workspace/model.ts'
import type { JsonSchema } from '../core/workspace/tool-parameters.ts'
import type { DelegateFunction } from '../engine/agent-run.ts'
import { userMessageContent } from '../engine/assemble-system-prompt.ts'
import type { EngineDependencies } from '../engine/engine-dependencies.ts'
import { type RunAgentOutcome, runAgent } from '../engine/run-agent.ts'
import type { RunJournal } from '../engine/run-replay.ts'
import type { ValidateFunction } from '../json-schema/create-json-schema-validator.ts'
import { resolveAgentTools, toolNeedsApproval } from '../tools/resolve-agent-tools.ts'
import type { AgentCatalog } from './agents/create-agent-catalog.ts'
import type { ExecutionLineage, ExecutionTracker } from './executions/create-execution-tracker.ts'
import { toJobIdentity } from './executions/job-identity.ts'
import type { GatewayDrain } from './lifecycle/create-drain.ts'
import type { PersonalConfigService } from './personal/create-personal-config-service.ts'
import type { SessionService } from './sessions/create-session-service.ts'
import { withSpan } from './telemetry/spans.ts'

export type { Principal }

/** What `gw.invoke()` and `gw.chat()` accept besides the agent and the message. */
export interface RunOptions {
  /** Structured input, checked against the agent's `input_schema`. */
  input?: Record<string, unknown> | undefined
  /** Overall time limit. @default the agent's or gateway's `guardrails.timeout_ms` */
  timeoutMs?: number | undefined
  /** Cancels the run cooperatively. */
  signal?: AbortSignal | undefined
  /**
   * Extra instructions for this run, added to the system prompt after the agent's own layers
   * (a schedule's `instructions`; the `system` messages of the OpenAI-compatible API). Never
   * stored with a session.
   */
  instructions?: string | null | undefined
  /**
   * Run as this principal: recorded as the owner of the execution and the session, and the only
   * one (besides administrators) who may continue the session. Without it the run is the host's
   * own: unowned, and free to continue any session.
   */
  principal?: Principal | undefined
  /** Receives tokens, tool calls and results as they happen. */
  onEvent?: ((event: EngineEvent) => void) | undefined
  /** The HTTP request that started the run: on every log line of the run, with the execution id. */
  requestId?: string | undefined
  /** Called once ids are known, before the model is called (streams send them first). */
  onStart?: ((ids: { executionId: string; sessionId: string | undefined }) => void) | undefined
  /**
   * Run an execution that already exists (a queued job), instead of creating one.
   *
   * @internal
   */
  execution?: ExistingExecution | undefined
  /**
   * The id to give the new execution (one an `Idempotency-Key` was claimed for).
   *
   * @internal
   */
  executionId?: string | undefined
}

/**
 * An execution a queue worker runs (see `RunOptions.execution`).
 *
 * @internal
 */
export interface ExistingExecution {
  id: string
  /** Worker attempt number, 1 for the first delivery. */
  attempt: number
  /** When it returns true the execution stays open for another attempt instead of finishing. */
  keepOpenIf?: (result: ExecutionResult) => boolean
}

/** Options of `gw.invoke()`. */
export interface InvokeOptions extends RunOptions {
  /** Overrides the agent's `output_schema` for this call. */
  outputSchema?: JsonSchema | undefined
  /**
   * Earlier conversation the caller keeps itself, sent before the message (the OpenAI-compatible
   * API without a session). Nothing is stored but the execution.
   */
  history?: readonly ChatMessage[] | undefined
}

/** Options of `gw.chat()`. */
export interface ChatOptions extends RunOptions {
  /** Continue this session; a new one is created when absent. */
  sessionId?: string | undefined
  /** A JSON Schema this turn's answer must match. @default none: chat answers in text */
  outputSchema?: JsonSchema | undefined
  /**
   * When the session `sessionId` does not exist, start it under that id instead of answering
   * `session_not_found` (a session keyed by the caller, such as the OpenAI API's `user`).
   *
   * @internal
   */
  createSession?: boolean | undefined
}

/** What `gw.invoke()` returns: the execution and its result. A failed run is an outcome too. */
export interface RunOutcome {
  executionId: string
  agentId: string
  /** `completed` (guardrail stops included), `failed`, `cancelled` or `timeout`. */
  status: ExecutionStatus
  result: ExecutionResult
  /**
   * The execution was left open for another attempt (see `ExistingExecution.keepOpenIf`).
   *
   * @internal
   */
  keptOpen?: boolean
}

/** What `gw.chat()` returns: the run plus the session to continue. */
export interface ChatOutcome extends RunOutcome {
  /** Pass it to the next `gw.chat()` to continue the conversation. */
  sessionId: string
  /** Turns in the session, this one included when it completed. */
  turnCount: number
}

/** A chat turn that completed and was added to its session. */
export interface ChatTurnDone {
  agent: AgentDefinition
  viewer: Viewer
  message: string
  executionId: string
}

/**
 * The runner's options: the public ones with the viewer the run acts as in place of the
 * principal, so every caller says who runs it — an HTTP request's principal or the
 * unauthenticated viewer, the host's code, or a queue worker carrying its submitter.
 */
export type AsViewer<Options extends RunOptions> = Omit<Options, 'principal'> & { viewer: Viewer }

/** Runs agents for the HTTP routes and the programmatic API. */
export interface AgentRunner {
  /**
   * Checks that a run may start (agent exists and is enabled — dashboard overrides included —
   * the input is valid, and a personal agent runs for a user who has set it up) and returns the
   * agent as it runs; throws the envelope error.
   */
  prepare(agentId: string, input: Record<string, unknown>, viewer: Viewer): Promise<AgentDefinition>
  invoke(agentId: string, message: string, options: AsViewer<InvokeOptions>): Promise<RunOutcome>
  /** A chat turn; continuing a session needs the viewer to be allowed to (see `SessionService`). */
  chat(agentId: string, message: string, options: AsViewer<ChatOptions>): Promise<ChatOutcome>
}

export interface CreateAgentRunnerOptions {
  engine: EngineDependencies
  /** Where agents come from, with the dashboard's overrides applied. */
  agents: AgentCatalog
  /** Who may continue which session. */
  sessions: SessionService
  /** Where turns are stored, under the session's turn lock. */
  sessionStore: SessionStore
  tracker: ExecutionTracker
  /** Counts direct runs as in flight and cancels them when a drain runs out of time. */
  drain?: GatewayDrain
  /** The setups personal agents run with. */
  personalConfigs: PersonalConfigService
  /** Told of each completed chat turn (automatic memory extraction queues its job here). */
  onChatTurn?: ((turn: ChatTurnDone) => Promise<void>) | undefined
}

function failedResult(): ExecutionResult {
  return {
    output: null,
    rawText: '',
    stopReason: 'error',
    usage: emptyUsage(),
    error: { code: 'execution_error', message: 'The execution failed unexpectedly.' },
    validationErrors: null,
    durationMs: 0,
  }
}

export function newExecutionId(): string {
  return `exec_${randomUUID().replaceAll('-', '')}`
}

export function newSessionId(): string {
  return `sess_${randomUUID().replaceAll('-', '')}`
}

/** How long a chat turn waits for the previous turn on the same session to finish. */
const sessionLockWaitMs = 120_000

/** The engine call a tracked run wraps, given what the execution record provides. */
type EngineRun = (
  executionId: string,
  signal: AbortSignal,
  onEvent: (event: EngineEvent) => void,
  journal: RunJournal | undefined,
  delegate: DelegateFunction | undefined,
) => Promise<RunAgentOutcome>

/** What a tracked run records besides its request. */
interface TrackedRunExtra {
  sessionId: string | null
  outputSchema: JsonSchema | null
  /** The run may pause for approval, so it keeps a journal to resume from. */
  canPause: boolean
  lineage?: ExecutionLineage | undefined
}

/** The engine with a logger whose every line names the execution (and the request that started it). */
function withRunLogger<T extends { logger: Logger }>(
  engine: T,
  executionId: string,
  requestId: string | undefined,
): T {
  return { ...engine, logger: engine.logger.child({ executionId, ...(requestId ? { requestId } : {}) }) }
}

export function createAgentRunner(options: CreateAgentRunnerOptions): AgentRunner {
  const { engine, sessions, sessionStore, tracker, agents, personalConfigs, drain } = options
  const { onChatTurn } = options

  /** Runs the engine inside an execution record: created (or resumed), stepped, finished. */
  const tracked = async (
    agent: AgentDefinition,
    kind: 'invoke' | 'chat',
    message: string,
    runOptions: AsViewer<RunOptions>,
    run: EngineRun,
    extra: TrackedRunExtra,
  ): Promise<RunAgentOutcome & { executionId: string; keptOpen: boolean }> => {
    const executionId = runOptions.execution?.id ?? runOptions.executionId ?? newExecutionId()
    // Queued runs are drained by the queue, which hands them back; direct runs by the drain.
    const leave = runOptions.execution ? undefined : drain?.enter()
    try {
      return await withSpan(
        `invoke_agent ${agent.id}`,
        {
          attributes: {
            'gen_ai.operation.name': 'invoke_agent',
            'gen_ai.agent.id': agent.id,
            'gen_ai.agent.name': agent.displayName ?? agent.id,
            'agentgw.execution.id': executionId,
            'agentgw.run.kind': kind,
            ...(extra.sessionId ? { 'gen_ai.conversation.id': extra.sessionId } : {}),
          },
        },
        async (span) => {
          const outcome = await trackedRun(agent, kind, message, runOptions, run, extra, executionId)
          span.setAttribute('agentgw.execution.status', outcome.result.stopReason)
          if (outcome.result.error) span.setAttribute('error.type', outcome.result.error.code)
          return outcome
        },
      )
    } finally {
      leave?.()
    }
  }
  const trackedRun = async (
    agent: AgentDefinition,
    kind: 'invoke' | 'chat',
    message: string,
    runOptions: AsViewer<RunOptions>,
    run: EngineRun,
    extra: TrackedRunExtra,
    executionId: string,
  ): Promise<RunAgentOutcome & { executionId: string; keptOpen: boolean }> => {
    const lineage = extra.lineage
    const tracking = await tracker.begin({
      executionId,
      existing: runOptions.execution !== undefined,
      agentId: agent.id,
      kind,
      message,
      input: runOptions.input ?? {},
      options: { timeoutMs: runOptions.timeoutMs, outputSchema: extra.outputSchema },
      sessionId: extra.sessionId,
      principalId: ownerIdOf(runOptions.viewer),
      // A queued run may be retried by another worker, and a run that may pause for approval
      // resumes on one: both keep a journal to replay from.
      journal: runOptions.execution !== undefined || extra.canPause,
      lineage,
    })
    runOptions.onStart?.({ executionId, sessionId: extra.sessionId ?? undefined })
    const signals = [tracking.signal]
    if (runOptions.signal) signals.push(runOptions.signal)
    if (drain && !runOptions.execution) signals.push(drain.cancelSignal)
    const signal = signals.length === 1 ? tracking.signal : AbortSignal.any(signals)
    const onEvent = (event: EngineEvent) => {
      tracking.onEvent(event)
      runOptions.onEvent?.(event)
    }
    // What the children this run delegated to used, their own children included.
    const childUsage: Usage[] = []
    const delegate =
      agent.delegatesTo.length > 0
        ? delegateFrom(
            agent,
            runOptions.viewer,
            {
              parentExecutionId: executionId,
              rootExecutionId: lineage?.rootExecutionId ?? executionId,
              depth: (lineage?.depth ?? 0) + 1,
            },
            childUsage,
          )
        : undefined
    let outcome: RunAgentOutcome
    try {
      outcome = await run(executionId, signal, onEvent, tracking.journal, delegate)
    } catch (error) {
      // The engine does not throw for run failures; this is a bug or an outage: record it.
      await tracking.end(failedResult()).catch(() => undefined)
      throw error
    }
    const keptOpen = runOptions.execution?.keepOpenIf?.(outcome.result) ?? false
    const approval: PendingApproval | undefined = outcome.approval && {
      ...outcome.approval,
      requestedAt: Date.now(),
      expiresAt: Date.now() + engine.config.guardrails.approvalTimeoutSeconds * 1000,
      resumeAs: toJobIdentity(runOptions.viewer),
    }
    // The record keeps this run's own usage (so sums over executions count each call once);
    // the caller gets the workflow's total.
    await tracking.end(outcome.result, { keepOpen: keptOpen, ...(approval ? { approval } : {}) })
    const usage = childUsage.reduce(addUsage, outcome.result.usage)
    return { ...outcome, result: { ...outcome.result, usage }, executionId, keptOpen }
  }

  /** The `delegate_to_agent` tool's work for one run: checks, then a child execution. */
  const delegateFrom =
    (
      parent: AgentDefinition,
      viewer: Viewer,
      lineage: ExecutionLineage,
      childUsage: Usage[],
    ): DelegateFunction =>
    async (request) => {
      const limit = engine.config.guardrails.maxDelegationDepth
      if (lineage.depth > limit) {
        throw new Error(
          `delegation depth limit reached: "${parent.id}" runs at depth ${lineage.depth - 1} and guardrails.max_delegation_depth is ${limit}; answer without delegating`,
        )
      }
      let outcome: RunOutcome
      try {
        outcome = await invokeAt(
          request.agentId,
          request.message,
          { viewer, input: request.input, signal: request.signal },
          lineage,
        )
      } catch (error) {
        // Refusals (unknown or disabled agent, invalid input, setup required) go to the model.
        if (GatewayError.isInstance(error)) throw new Error(`${error.code}: ${error.message}`)
        throw error
      }
      childUsage.push(outcome.result.usage)
      return {
        execution_id: outcome.executionId,
        agent_id: outcome.agentId,
        status: outcome.status,
        output: outcome.result.output,
        ...(outcome.result.error ? { error: outcome.result.error.message } : {}),
      }
    }
  const validateInput = new Map<string, ValidateFunction>()

  const prepare = async (
    agentId: string,
    input: Record<string, unknown>,
    viewer: Viewer,
  ): Promise<AgentDefinition> => {
    const agent = await agents.get(agentId)
    if (!agent) throw new GatewayError('agent_not_found', { message: `Agent "${agentId}" not found.` })
    if (!agent.enabled)
      throw new GatewayError('agent_disabled', { message: `Agent "${agentId}" is disabled.` })
    // Checked per request, not only at start: a dashboard override can change the model.
    const modelProblem = engine.models.check(agent.model.name ?? engine.config.model.default)
    if (modelProblem) {
      throw new GatewayError('agent_unavailable', {
        message: `Agent "${agentId}" cannot run: ${modelProblem}. Run \`agentgw check\` for details.`,
      })
    }
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
    // A personal agent refuses callers without a user (401) or without a setup (409).
    await personalConfigs.forRun(agent, viewer)
    return agent
  }

  /** Whether any tool the agent may call needs approval (its runs keep a journal to pause on). */
  const needsApproval = (agent: AgentDefinition) =>
    resolveAgentTools(agent, engine.workspace, engine.tools).some((tool) => toolNeedsApproval(tool, agent))

  const timeoutFor = (agent: AgentDefinition, requested: number | undefined) =>
    requested ?? agent.guardrails.timeoutMs ?? engine.config.guardrails.timeoutMs

  /** An invoke, as the root of a workflow (`lineage` undefined) or as a delegated child. */
  const invokeAt = async (
    agentId: string,
    message: string,
    runOptions: AsViewer<InvokeOptions>,
    lineage: ExecutionLineage | undefined,
  ): Promise<RunOutcome> => {
    const input = runOptions.input ?? {}
    const agent = await prepare(agentId, input, runOptions.viewer)
    const personal = await personalConfigs.forRun(agent, runOptions.viewer)
    const outputSchema = runOptions.outputSchema ?? agent.outputSchema
    const { result, executionId, keptOpen } = await tracked(
      agent,
      'invoke',
      message,
      runOptions,
      (id, signal, onEvent, journal, delegate) =>
        runAgent(withRunLogger(engine, id, runOptions.requestId), {
          agent,
          history: runOptions.history ?? [],
          userMessage: userMessageContent(message, input),
          input,
          outputSchema,
          instructions: runOptions.instructions,
          executionId: id,
          sessionId: undefined,
          principal: principalOf(runOptions.viewer),
          personal,
          delegate,
          timeoutMs: timeoutFor(agent, runOptions.timeoutMs),
          signal,
          onEvent,
          journal,
        }),
      { sessionId: null, outputSchema, canPause: needsApproval(agent), lineage },
    )
    return { executionId, agentId, status: statusOf(result.stopReason), result, keptOpen }
  }

  return {
    prepare,

    invoke: (agentId, message, runOptions) => invokeAt(agentId, message, runOptions, undefined),

    async chat(agentId, message, runOptions) {
      const input = runOptions.input ?? {}
      const agent = await prepare(agentId, input, runOptions.viewer)
      const personal = await personalConfigs.forRun(agent, runOptions.viewer)
      const { viewer, sessionId: continued } = runOptions
      const outputSchema = runOptions.outputSchema ?? null
      // A caller-keyed session is continued when it exists and started when it does not.
      const mayCreate = async () =>
        runOptions.createSession === true && continued !== undefined && !(await sessionStore.get(continued))
      // Checked before waiting for the turn lock, so a session the viewer may not use is refused
      // at once (never with `session_busy`, which would tell that it exists)…
      if (continued !== undefined && !(await mayCreate()))
        await sessions.getContinuable(continued, agentId, viewer)
      const id = continued ?? newSessionId()
      return sessionStore.withLock(id, sessionLockWaitMs, async () => {
        // …and again under the lock, so a session deleted meanwhile is not silently recreated.
        const session =
          continued === undefined || (await mayCreate())
            ? undefined
            : await sessions.getContinuable(continued, agentId, viewer)
        const { result, messages, executionId } = await tracked(
          agent,
          'chat',
          message,
          runOptions,
          (executionId, signal, onEvent, _journal, delegate) =>
            runAgent(withRunLogger(engine, executionId, runOptions.requestId), {
              agent,
              history: session?.messages ?? [],
              userMessage: userMessageContent(message, input),
              input,
              // Chat is conversational: a schema applies only when this turn asks for one.
              outputSchema,
              instructions: runOptions.instructions,
              executionId,
              sessionId: id,
              principal: principalOf(viewer),
              personal,
              delegate,
              timeoutMs: timeoutFor(agent, runOptions.timeoutMs),
              signal,
              onEvent,
            }),
          // A chat turn runs under its session's lock and cannot pause: approval-gated tools
          // answer the model with an error instead of running.
          { sessionId: id, outputSchema, canPause: false },
        )
        const status = statusOf(result.stopReason)
        const turnCount = session?.turnCount ?? 0
        // A turn that failed, timed out or was cancelled did not happen: the history stays as it was.
        if (status !== 'completed') return { executionId, agentId, status, result, sessionId: id, turnCount }
        await sessionStore.appendTurn(id, { agentId, ownerId: ownerIdOf(viewer), messages, at: Date.now() })
        // Follow-up work (memory extraction) is queued, never run on the request path.
        await onChatTurn?.({ agent, viewer, message, executionId }).catch((error: unknown) =>
          engine.logger.warn(
            { err: error, agent: agentId, executionId },
            'could not queue chat-turn follow-up',
          ),
        )
        return { executionId, agentId, status, result, sessionId: id, turnCount: turnCount + 1 }
      })
    },
  }
}
