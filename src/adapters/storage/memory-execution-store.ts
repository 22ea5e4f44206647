import { GatewayError } from '../../core/errors.ts'
import { type RunJournalRecord, terminalStatuses } from '../../core/execution-types.ts'
import type {
  ExecutionRecord,
  ExecutionStepRecord,
  ExecutionStore,
} from '../../core/ports/execution-store.ts'
import { cloneData } from './clone-data.ts'
import { computeExecutionStats } from './compute-execution-stats.ts'
import { decodeCursor, encodeCursor } from './json-columns.ts'

/**
 * Executions kept in this process (persistence disabled): the newest `maxExecutions` only, lost
 * on restart, invisible to other processes.
 */
export function createMemoryExecutionStore(maxExecutions = 1000): ExecutionStore {
  const executions = new Map<string, ExecutionRecord>()
  const steps = new Map<string, ExecutionStepRecord[]>()
  const journals = new Map<string, RunJournalRecord[]>()
  const isTerminal = (record: ExecutionRecord) => terminalStatuses.includes(record.status)
  const copy = cloneData

  return {
    async create(record) {
      if (executions.has(record.id)) throw new Error(`execution ${record.id} already exists`)
      executions.set(record.id, { ...copy(record), updatedAt: record.createdAt })
      while (executions.size > maxExecutions) {
        const oldest = executions.keys().next().value as string
        executions.delete(oldest)
        steps.delete(oldest)
        journals.delete(oldest)
      }
    },
    async get(id) {
      const record = executions.get(id)
      return record ? copy(record) : undefined
    },
    async list(filter) {
      // Keyset paging like the SQL store: the page after the last one's (createdAt, id), so
      // executions created between two pages do not shift the next one.
      let after: [number, string] | undefined
      if (filter.cursor !== undefined) {
        after = decodeCursor(filter.cursor)
        if (!after) throw new GatewayError('bad_request', { message: 'The cursor is invalid.' })
      }
      const isBefore = (record: ExecutionRecord, [createdAt, id]: [number, string]) =>
        record.createdAt < createdAt || (record.createdAt === createdAt && record.id < id)
      const matching = [...executions.values()]
        .filter((record) => after === undefined || isBefore(record, after))
        .filter((record) => filter.agentId === undefined || record.agentId === filter.agentId)
        .filter((record) => filter.sessionId === undefined || record.sessionId === filter.sessionId)
        .filter((record) => filter.status === undefined || record.status === filter.status)
        .filter(
          (record) =>
            filter.rootExecutionId === undefined || record.rootExecutionId === filter.rootExecutionId,
        )
        .filter((record) => filter.principalId === undefined || record.principalId === filter.principalId)
        .filter((record) => filter.createdFrom === undefined || record.createdAt >= filter.createdFrom)
        .filter((record) => filter.createdBefore === undefined || record.createdAt < filter.createdBefore)
        .filter(
          (record) =>
            filter.minCostUsd === undefined ||
            (record.usage !== null && record.usage.costUsd >= filter.minCostUsd),
        )
        .filter(
          (record) =>
            filter.maxCostUsd === undefined ||
            (record.usage !== null && record.usage.costUsd <= filter.maxCostUsd),
        )
        .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      const page = matching.slice(0, filter.limit)
      const last = page.at(-1)
      return {
        items: page.map(copy),
        nextCursor: matching.length > filter.limit && last ? encodeCursor([last.createdAt, last.id]) : null,
      }
    },
    async markRunning(id, at) {
      const record = executions.get(id)
      if (!record || isTerminal(record)) return false
      record.status = 'running'
      record.startedAt ??= at
      record.updatedAt = at
      record.attempts += 1
      return true
    },
    async finish(id, update) {
      const record = executions.get(id)
      if (!record || isTerminal(record)) return false
      Object.assign(record, {
        status: update.status,
        result: copy(update.result),
        error: copy(update.error),
        usage: copy(update.usage),
        completedAt: update.at,
        updatedAt: update.at,
      })
      return true
    },
    async awaitApproval(id, pending, usage, at) {
      const record = executions.get(id)
      if (record?.status !== 'running') return false
      Object.assign(record, {
        status: 'awaiting_approval',
        pendingApproval: copy(pending),
        usage: copy(usage),
        updatedAt: at,
      })
      return true
    },
    async resumeFromApproval(id, at) {
      const record = executions.get(id)
      if (record?.status !== 'awaiting_approval') return false
      Object.assign(record, { status: 'queued', updatedAt: at })
      delete record.pendingApproval
      return true
    },
    async requestCancel(id, at) {
      const record = executions.get(id)
      if (!record) return 'not_found'
      if (record.status === 'queued' || record.status === 'awaiting_approval') {
        Object.assign(record, {
          status: 'cancelled',
          completedAt: at,
          cancelRequestedAt: at,
          error: { code: 'cancelled', message: 'The execution was cancelled before it started.' },
        })
        return 'cancelled'
      }
      if (record.status === 'running') {
        record.cancelRequestedAt = at
        return 'cancel_requested'
      }
      return 'terminal'
    },
    async appendSteps(id, newSteps) {
      const list = steps.get(id) ?? []
      const records = newSteps.map((step, index) => ({
        ...copy(step),
        executionId: id,
        sequence: list.length + index + 1,
      }))
      list.push(...records)
      steps.set(id, list)
      return records.map(copy)
    },
    async appendJournal(id, entry, attempt, at) {
      const list = journals.get(id) ?? []
      list.push({ sequence: list.length + 1, attempt, entry: copy(entry), createdAt: at })
      journals.set(id, list)
    },
    async listJournal(id) {
      return (journals.get(id) ?? []).map(copy)
    },
    async listSteps(id, afterSequence = 0) {
      return (steps.get(id) ?? []).filter((step) => step.sequence > afterSequence).map(copy)
    },
    async touch(id, at) {
      const record = executions.get(id)
      if (record?.status === 'running') record.updatedAt = at
    },
    async listStale(before, limit) {
      return [...executions.values()]
        .filter((record) => record.status === 'running' && (record.updatedAt ?? record.createdAt) < before)
        .sort((a, b) => (a.updatedAt ?? a.createdAt) - (b.updatedAt ?? b.createdAt))
        .slice(0, limit)
        .map(copy)
    },
    async stats(filter) {
      return computeExecutionStats(
        [...executions.values()].filter(
          (record) =>
            record.createdAt >= filter.since &&
            (filter.principalId === undefined || record.principalId === filter.principalId),
        ),
      )
    },
    async pruneFinished(rule) {
      const statuses = rule.statuses.filter((status) => terminalStatuses.includes(status))
      let deleted = 0
      for (const record of executions.values()) {
        if (deleted >= rule.limit) break
        if (!statuses.includes(record.status)) continue
        if (record.completedAt === null || record.completedAt >= rule.completedBefore) continue
        executions.delete(record.id)
        steps.delete(record.id)
        journals.delete(record.id)
        deleted++
      }
      return deleted
    },
  }
}
