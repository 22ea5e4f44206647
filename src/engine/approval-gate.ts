import type { RunJournalEntry } from '../core/execution-types.ts'

/** What a run paused on: the call waiting for an approver. */
export interface ApprovalRequest {
  step: number
  callId: string
  toolName: string
  arguments: Record<string, unknown>
}

/**
 * Thrown by a tool step when a call needs approval and none was recorded yet: the run stops
 * there with `awaiting_approval` and resumes, from its journal, once an approver decides.
 */
export class ApprovalRequiredError extends Error {
  readonly request: ApprovalRequest
  constructor(request: ApprovalRequest) {
    super(`the call of "${request.toolName}" needs approval`)
    this.name = 'ApprovalRequiredError'
    this.request = request
  }
}

export type ApprovalDecision = Extract<RunJournalEntry, { kind: 'approval' }>

/** What the model reads when an approver rejected its call. */
export function rejectionMessage(toolName: string, reason: string | undefined): string {
  return `the call of "${toolName}" was rejected by an approver and did not run${reason ? `: ${reason}` : '.'}`
}
