import type {
  JournaledModelCall,
  RunJournalEntry,
  ToolResultMessage,
  Usage,
} from '../core/execution-types.ts'
import type { ApprovalDecision } from './approval-gate.ts'

/**
 * Where a run keeps its steps in full so a retried attempt can replay them (the services back it
 * with the execution store). `record` resolves once the entry is stored: the run waits for it
 * before its next step, so a crash never loses a step whose effect is done.
 */
export interface RunJournal {
  /** What earlier attempts of this run recorded, in order; empty on a first attempt. */
  recorded: readonly RunJournalEntry[]
  record(entry: RunJournalEntry): Promise<void>
}

/** What an attempt finds in its journal, by step. */
export interface Replay {
  modelCalls: ReadonlyMap<number, JournaledModelCall>
  /** Approvers' decisions by `toolKey(step, callId)`. */
  approvals: ReadonlyMap<string, ApprovalDecision>
  /** Tool results by `toolKey(step, callId)`. */
  toolResults: ReadonlyMap<string, ToolResultMessage>
  /** Tool calls that started (non-idempotent tools record it) — finished or not. */
  started: ReadonlySet<string>
}

/**
 * A retried run found a call of a non-idempotent tool that its crashed attempt started and did
 * not finish, and the tool's `on_interrupted: fail` says to end the run rather than guess.
 */
export class ToolInterruptedError extends Error {
  readonly toolName: string
  constructor(toolName: string) {
    super(
      `The tool "${toolName}" was running when the worker running this execution stopped; it is not idempotent, so it was not run again and the execution failed.`,
    )
    this.name = 'ToolInterruptedError'
    this.toolName = toolName
  }
}

/** What the model reads for an unfinished call of a non-idempotent tool it is told about. */
export function interruptedToolMessage(toolName: string): string {
  return `the tool "${toolName}" was interrupted: the process running it stopped before it returned, so it may or may not have taken effect. It was not run again; check its effect before calling it again.`
}

/** Identifies a tool call within a run: the model step it belongs to and the model's call id. */
export function toolKey(step: number, callId: string): string {
  return `${step}:${callId}`
}

export function readReplay(entries: readonly RunJournalEntry[]): Replay {
  const modelCalls = new Map<number, JournaledModelCall>()
  const toolResults = new Map<string, ToolResultMessage>()
  const started = new Set<string>()
  const approvals = new Map<string, ApprovalDecision>()
  for (const entry of entries) {
    if (entry.kind === 'model_call') modelCalls.set(entry.step, entry.call)
    else if (entry.kind === 'approval') approvals.set(toolKey(entry.step, entry.callId), entry)
    else if (entry.kind === 'tool_started') started.add(toolKey(entry.step, entry.callId))
    else toolResults.set(toolKey(entry.step, entry.result.callId), entry.result)
  }
  return { modelCalls, approvals, toolResults, started }
}

/** Adds a replayed model call to the run's usage: it was paid for by the attempt that made it. */
export function accountReplayed(usage: Usage, call: JournaledModelCall): void {
  usage.llmCalls += 1
  usage.inputTokens += call.inputTokens
  usage.outputTokens += call.outputTokens
  usage.costUsd += call.costUsd
  if (!usage.modelsUsed.includes(call.model)) usage.modelsUsed.push(call.model)
}
