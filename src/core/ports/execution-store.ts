import type { ExecutionStatus, RunError, Usage } from '../execution-types.ts'

/** An execution: one run of an agent, whatever started it. */
export interface ExecutionRecord {
  id: string
  agentId: string
  status: ExecutionStatus
  /** `invoke` or `chat`. */
  kind: 'invoke' | 'chat'
  message: string
  input: Record<string, unknown>
  /** What the run needs to be (re)started by a worker: timeout, output schema. */
  options: {
    timeoutMs?: number | undefined
    outputSchema?: Record<string, unknown> | null | undefined
    /** Run by a queue worker (the queue redelivers it when its worker dies). */
    queued?: boolean | undefined
  }
  result: { output: unknown; rawText: string; stopReason: string; validationErrors: unknown } | null
  error: RunError | null
  usage: Usage | null
  sessionId: string | null
  principalId: string | null
  parentExecutionId: string | null
  rootExecutionId: string
  depth: number
  /** How many times a worker started it. */
  attempts: number
  createdAt: number
  startedAt: number | null
  completedAt: number | null
  cancelRequestedAt: number | null
  /** Last change or heartbeat (epoch ms); set by stores, ignored on create. */
  updatedAt?: number | undefined
}

export type StepType = 'llm_call' | 'tool_call' | 'tool_result'

export interface ExecutionStepRecord {
  executionId: string
  /** 1, 2, 3… within the execution. */
  sequence: number
  type: StepType
  data: Record<string, unknown>
  durationMs: number | null
  /** The worker attempt that produced it. */
  attempt: number
  createdAt: number
}

export interface ExecutionFilter {
  agentId?: string | undefined
  sessionId?: string | undefined
  status?: ExecutionStatus | undefined
  rootExecutionId?: string | undefined
  /** Only executions of this principal; `undefined` for all. */
  principalId?: string | null | undefined
  /** Created at or after this time (epoch ms). */
  createdFrom?: number | undefined
  /** Created before this time (epoch ms). */
  createdBefore?: number | undefined
  /** Finished executions costing at least / at most this much (USD). */
  minCostUsd?: number | undefined
  maxCostUsd?: number | undefined
  limit: number
  /** Opaque cursor from a previous page. */
  cursor?: string | undefined
}

export interface FinishUpdate {
  status: ExecutionStatus
  result: ExecutionRecord['result']
  error: RunError | null
  usage: Usage | null
  at: number
}

/** Totals of executions created since a time, for the dashboard's analytics. */
export interface ExecutionStats {
  total: number
  completed: number
  /** `failed` and `timeout`. */
  failed: number
  costUsd: number
  /** Mean of `completedAt - startedAt` over finished executions, or `null` without any. */
  averageDurationMs: number | null
  /** One entry per UTC day that has executions, oldest first; `day` is the day's start (epoch ms). */
  byDay: { day: number; executions: number; completed: number; costUsd: number }[]
  /** Most expensive first. */
  byAgent: { agentId: string; executions: number; completed: number; costUsd: number }[]
}

export interface ExecutionStatsFilter {
  /** Executions created at or after this time (epoch ms). */
  since: number
  /** Only this principal's; `undefined` for all. */
  principalId?: string | null | undefined
}

export type CancelOutcome = 'cancelled' | 'cancel_requested' | 'terminal' | 'not_found'

/**
 * Executions and their steps. Every state change is a conditional update, so concurrent
 * workers and API calls on several instances agree: a terminal execution never changes again.
 */
export interface ExecutionStore {
  create(record: ExecutionRecord): Promise<void>
  get(id: string): Promise<ExecutionRecord | undefined>
  /** Newest first. */
  list(filter: ExecutionFilter): Promise<{ items: ExecutionRecord[]; nextCursor: string | null }>
  /** queued|running → running (a retry re-enters running); `false` when it is already terminal. */
  markRunning(id: string, at: number): Promise<boolean>
  /** Moves a non-terminal execution to a terminal state; `false` (and no change) if it was already terminal. Idempotent. */
  finish(id: string, update: FinishUpdate): Promise<boolean>
  /** A queued execution is cancelled at once; a running one gets a cancel request. */
  requestCancel(id: string, at: number): Promise<CancelOutcome>
  /** Appends steps, numbering them after the existing ones; returns them with their sequence. */
  appendSteps(
    id: string,
    steps: Omit<ExecutionStepRecord, 'executionId' | 'sequence'>[],
  ): Promise<ExecutionStepRecord[]>
  /** Marks a running execution as alive (its `updatedAt`), so it is not taken for abandoned. */
  touch(id: string, at: number): Promise<void>
  /** Running executions not touched since `before`, oldest first (candidates for the reaper). */
  listStale(before: number, limit: number): Promise<ExecutionRecord[]>
  listSteps(id: string, afterSequence?: number): Promise<ExecutionStepRecord[]>
  /** Counts, cost and duration aggregates, computed by the backend (SQL `GROUP BY`). */
  stats(filter: ExecutionStatsFilter): Promise<ExecutionStats>
}
