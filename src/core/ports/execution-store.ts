import type {
  ExecutionStatus,
  PendingApproval,
  RunError,
  RunJournalEntry,
  RunJournalRecord,
  Usage,
} from '../execution-types.ts'

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
    /**
     * For a queued execution, who submitted it as its job carries it, so the job can be
     * scheduled again from this record alone when the queue lost it.
     */
    submittedBy?: Record<string, unknown> | undefined
    /** What started it when not an API call: a schedule's tick or a manual trigger of one. */
    trigger?: 'schedule' | 'manual' | undefined
    /** The schedule behind a `schedule` or `manual` run. */
    scheduleId?: string | undefined
    scheduleName?: string | undefined
    /** The schedule's `notify` setting, for notification routing. */
    notify?: Record<string, unknown> | null | undefined
    /** The schedule's `instructions`, added to the system prompt of the run. */
    instructions?: string | null | undefined
  }
  result: { output: unknown; rawText: string; stopReason: string; validationErrors: unknown } | null
  error: RunError | null
  usage: Usage | null
  sessionId: string | null
  principalId: string | null
  parentExecutionId: string | null
  rootExecutionId: string
  /**
   * The OpenTelemetry trace (32 hex digits) that was active when the execution was created —
   * the request's trace, which a queued run's worker continues. `null`/absent when nothing was
   * recording. Its spans carry `agentgw.execution.id`, so the two link both ways.
   */
  traceId?: string | null | undefined
  depth: number
  /** How many times a worker started it. */
  attempts: number
  createdAt: number
  startedAt: number | null
  completedAt: number | null
  cancelRequestedAt: number | null
  /** The tool call an `awaiting_approval` execution waits on; `null`/absent otherwise. */
  pendingApproval?: PendingApproval | null | undefined
  /** Last change or heartbeat (epoch ms); set by stores, ignored on create. */
  updatedAt?: number | undefined
}

/**
 * What a step of an execution's trace records: a model call, a tool call, its result, a
 * retrieval, or — first in a retried attempt — what that attempt replayed from the run journal
 * instead of doing again.
 */
export type StepType = 'llm_call' | 'tool_call' | 'tool_result' | 'retrieval' | 'replay'

/** One step of an execution's trace, as stored. */
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

/** Which executions `list()` returns, newest first, one page at a time. */
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

/** The terminal state `finish()` writes. */
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

/** Which executions `stats()` counts. */
export interface ExecutionStatsFilter {
  /** Executions created at or after this time (epoch ms). */
  since: number
  /** Only this principal's; `undefined` for all. */
  principalId?: string | null | undefined
}

/** Which finished executions `pruneFinished()` deletes (see there). */
export interface PruneFinishedRule {
  /** Terminal statuses to prune; non-terminal ones given here are ignored. */
  statuses: ExecutionStatus[]
  /** Executions that finished (`completedAt`) before this time (epoch ms). */
  completedBefore: number
  /** At most this many executions per call, so one call is one short transaction. */
  limit: number
}

/** What `requestCancel()` did (see there). */
export type CancelOutcome = 'cancelled' | 'cancel_requested' | 'terminal' | 'not_found'

/**
 * Executions and their steps. Every state change is a **conditional update**, so concurrent
 * workers and API calls — in one process or on several instances sharing the store — agree: a
 * terminal execution (`completed`, `failed`, `cancelled`, `timeout`) never changes again.
 *
 * Records read from the store are copies: changing one never changes what is stored. Times are
 * epoch milliseconds passed in by the caller (`at`), so a store never reads a clock of its own.
 */
export interface ExecutionStore {
  /**
   * Stores a new execution. `updatedAt` is set to `createdAt` whatever the record says. Ids are
   * unique: creating an id that exists rejects and leaves the stored record unchanged.
   */
  create(record: ExecutionRecord): Promise<void>
  /** The execution, or `undefined` when there is none with this id. */
  get(id: string): Promise<ExecutionRecord | undefined>
  /**
   * Executions matching every given filter, newest first (`createdAt`, then id, descending),
   * at most `limit` of them. `nextCursor` pages on, stable while new executions arrive; it is
   * `null` on the last page. A cursor this store did not issue rejects with
   * `GatewayError('bad_request')`. `principalId: null` matches executions without a principal;
   * the cost filters match finished executions with a recorded cost only.
   */
  list(filter: ExecutionFilter): Promise<{ items: ExecutionRecord[]; nextCursor: string | null }>
  /**
   * `queued`/`running` → `running`, counting one more attempt and setting `startedAt` on the
   * first one (a retry re-enters `running`). Resolves `false`, changing nothing, when the
   * execution is terminal or missing — e.g. cancelled while it waited in the queue.
   */
  markRunning(id: string, at: number): Promise<boolean>
  /**
   * Moves a non-terminal execution to the terminal state in `update`, with its result, error,
   * usage and `completedAt`. Resolves `false`, changing nothing, when it is already terminal or
   * missing. Of concurrent finishes — from any instance — exactly one resolves `true`.
   */
  finish(id: string, update: FinishUpdate): Promise<boolean>
  /**
   * `running` → `awaiting_approval`, keeping `pending` (the call it waits on) and the usage so
   * far. Resolves `false`, changing nothing, from any other status.
   */
  awaitApproval(id: string, pending: PendingApproval, usage: Usage, at: number): Promise<boolean>
  /**
   * `awaiting_approval` → `queued` (a worker resumes it), clearing the pending call. Of
   * concurrent calls — from any instance — exactly one resolves `true`; from any other status it
   * resolves `false`, changing nothing.
   */
  resumeFromApproval(id: string, at: number): Promise<boolean>
  /**
   * A `queued` execution becomes `cancelled` at once (`'cancelled'`, with a `cancelled` error
   * and `completedAt`); a `running` one keeps running with `cancelRequestedAt` set
   * (`'cancel_requested'`) for whoever runs it to notice; a terminal one is left alone
   * (`'terminal'`); an unknown id is `'not_found'`.
   */
  requestCancel(id: string, at: number): Promise<CancelOutcome>
  /**
   * Appends steps, numbering them 1, 2, 3… after the execution's existing steps, in the order
   * given, and returns them with their `sequence`. One execution has one writer at a time (the
   * run that holds it), so appends for one execution are not concurrent.
   */
  appendSteps(
    id: string,
    steps: Omit<ExecutionStepRecord, 'executionId' | 'sequence'>[],
  ): Promise<ExecutionStepRecord[]>
  /**
   * Appends one entry to the execution's run journal, numbered after its existing entries, and
   * resolves only once it is stored (a retried attempt must find it after a crash). One
   * execution has one writer at a time, like `appendSteps`.
   */
  appendJournal(id: string, entry: RunJournalEntry, attempt: number, at: number): Promise<void>
  /** The execution's journal entries in sequence order; `[]` for an unknown id. */
  listJournal(id: string): Promise<RunJournalRecord[]>
  /** Marks a running execution as alive (`updatedAt = at`), so it is not taken for abandoned; ignores any other. */
  touch(id: string, at: number): Promise<void>
  /** Running executions whose `updatedAt` is before `before`, oldest first, at most `limit` (candidates for the reaper). */
  listStale(before: number, limit: number): Promise<ExecutionRecord[]>
  /** The execution's steps with a sequence above `afterSequence` (default 0), in sequence order; `[]` for an unknown id. */
  listSteps(id: string, afterSequence?: number): Promise<ExecutionStepRecord[]>
  /**
   * Counts, cost and duration aggregates of executions created since `filter.since` (and of one
   * principal, when given), computed by the backend (SQL `GROUP BY`) rather than by the caller.
   */
  stats(filter: ExecutionStatsFilter): Promise<ExecutionStats>
  /**
   * Deletes up to `rule.limit` executions in one of `rule.statuses` that finished before
   * `rule.completedBefore`, with their steps and run journal, in one short transaction, and
   * resolves how many it deleted (fewer than `limit` means none is left). Never deletes a
   * non-terminal (`queued`, `running`) execution, whatever the statuses say. Oldest first is
   * not promised; callers repeat until it resolves below `limit`.
   */
  pruneFinished(rule: PruneFinishedRule): Promise<number>
}
