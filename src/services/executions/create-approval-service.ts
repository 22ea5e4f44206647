import { approvalListScope, ownerIdOf, type Viewer } from '../../core/authorization.ts'
import { GatewayError } from '../../core/errors.ts'
import type { RunJournalEntry } from '../../core/execution-types.ts'
import type { Logger } from '../../core/logger.ts'
import type { EventBus } from '../../core/ports/event-bus.ts'
import type { ExecutionRecord, ExecutionStore } from '../../core/ports/execution-store.ts'
import type { JobQueue } from '../../core/ports/job-queue.ts'
import type { JsonSchemaValidator } from '../../json-schema/create-json-schema-validator.ts'
import type { ToolRegistry } from '../../tools/tool-types.ts'
import { requireAccess } from '../require-access.ts'
import { executionChannel } from './create-execution-tracker.ts'

/** What an approver decides about a pending tool call. */
export type ApprovalDecisionRequest =
  | { decision: 'approve'; arguments?: Record<string, unknown> | undefined }
  | { decision: 'reject'; reason?: string | undefined }

/**
 * Tool calls that paused their run for a human's approval: listing them, deciding them (the run
 * then resumes on any worker, from its journal), and expiring those nobody decided in time.
 * Who may decide is `core/authorization.ts`'s `approve` access.
 */
export interface ApprovalService {
  /** Executions awaiting approval that the viewer may decide (approvers) or owns, oldest first. */
  listPending(viewer: Viewer, limit: number): Promise<ExecutionRecord[]>
  /**
   * Records the decision and hands the execution back to the queue. `execution_not_found` when
   * the viewer may not see it, `forbidden` when it may see but not decide, `invalid_state`
   * (409) when it is not awaiting approval (decided meanwhile, cancelled, expired),
   * `validation_failed` (422) for edited arguments that do not match the tool's parameters.
   */
  decide(id: string, viewer: Viewer, request: ApprovalDecisionRequest): Promise<ExecutionRecord>
  /** Fails executions whose approval expired (`approval_expired`); safe on every instance. */
  expire(now?: number): Promise<string[]>
  start(): void
  stop(): void
}

export interface CreateApprovalServiceOptions {
  store: ExecutionStore
  queue: JobQueue
  bus: EventBus
  tools: ToolRegistry
  validator: JsonSchemaValidator
  logger: Logger
  /** How often this instance looks for expired approvals. @default 30000 */
  sweepMs?: number
}

export function createApprovalService(options: CreateApprovalServiceOptions): ApprovalService {
  const { store, queue, bus, tools, validator, logger } = options
  let sweeper: ReturnType<typeof setInterval> | undefined

  const notFound = (id: string) => () =>
    new GatewayError('execution_not_found', { message: `Execution "${id}" not found.` })

  const expire = async (now = Date.now()) => {
    const expired: string[] = []
    const { items } = await store.list({ status: 'awaiting_approval', limit: 500 })
    for (const record of items) {
      if (!record.pendingApproval || record.pendingApproval.expiresAt > now) continue
      const finished = await store.finish(record.id, {
        status: 'failed',
        result: null,
        error: {
          code: 'approval_expired',
          message: `The call of "${record.pendingApproval.toolName}" was not approved in time.`,
        },
        usage: record.usage,
        at: now,
      })
      if (!finished) continue
      expired.push(record.id)
      await bus
        .publish(executionChannel(record.id), { type: 'status', status: 'failed' })
        .catch(() => undefined)
    }
    if (expired.length > 0) logger.warn({ executions: expired }, 'approvals expired')
    return expired
  }

  return {
    async listPending(viewer, limit) {
      const scope = approvalListScope(viewer)
      if (scope.kind === 'nothing') return []
      const { items } = await store.list({
        status: 'awaiting_approval',
        principalId: scope.kind === 'owner' ? scope.ownerId : undefined,
        limit,
      })
      return items.reverse()
    },

    async decide(id, viewer, request) {
      const record = requireAccess(await store.get(id), {
        viewer,
        access: 'approve',
        ownerId: (found) => found.principalId,
        notFound: notFound(id),
        forbiddenMessage: `You may read execution "${id}" but not decide its approvals.`,
      })
      const pending = record.pendingApproval
      if (record.status !== 'awaiting_approval' || !pending) {
        throw new GatewayError('invalid_state', {
          message: `Execution "${id}" is ${record.status}, not awaiting approval.`,
        })
      }
      let entry: RunJournalEntry
      if (request.decision === 'approve') {
        if (request.arguments !== undefined) {
          const tool = tools.get(pending.toolName)
          const problems = tool ? validator.compile(tool.parameters)(request.arguments) : []
          if (problems.length > 0) {
            throw new GatewayError('validation_failed', {
              message: `The edited arguments do not match the parameters of "${pending.toolName}".`,
              details: problems.map((problem) => ({
                ...problem,
                path: `/arguments${problem.path === '/' ? '' : problem.path}`,
              })),
            })
          }
        }
        entry = {
          kind: 'approval',
          step: pending.step,
          callId: pending.callId,
          decision: 'approved',
          ...(request.arguments !== undefined ? { arguments: request.arguments } : {}),
          decidedBy: ownerIdOf(viewer),
        }
      } else {
        entry = {
          kind: 'approval',
          step: pending.step,
          callId: pending.callId,
          decision: 'rejected',
          ...(request.reason ? { reason: request.reason } : {}),
          decidedBy: ownerIdOf(viewer),
        }
      }
      // Exactly one decision wins, from any instance; the journal and the job follow. A crash
      // between them leaves a queued execution: without the entry its run pauses again.
      if (!(await store.resumeFromApproval(id, Date.now()))) {
        throw new GatewayError('invalid_state', {
          message: `Execution "${id}" is no longer awaiting approval.`,
        })
      }
      await store.appendJournal(id, entry, record.attempts, Date.now())
      // A job id of its own: the execution's first job may still count as recently finished.
      await queue.enqueue({
        id: `${id}-approval-${pending.step}-${record.attempts}`,
        payload: { executionId: id, submittedBy: pending.resumeAs },
      })
      await bus.publish(executionChannel(id), { type: 'status', status: 'queued' }).catch(() => undefined)
      logger.info({ executionId: id, tool: pending.toolName, decision: entry.decision }, 'approval decided')
      return (await store.get(id)) ?? record
    },

    expire,

    start() {
      sweeper ??= setInterval(() => {
        expire().catch((error: unknown) => logger.warn({ err: error }, 'expiring approvals failed'))
      }, options.sweepMs ?? 30_000)
      sweeper.unref?.()
    },
    stop() {
      clearInterval(sweeper)
      sweeper = undefined
    },
  }
}
