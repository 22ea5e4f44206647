import type { DeliveryAttemptRecord, DeliveryLog, DeliveryRecord } from '../../core/ports/delivery-log.ts'

/** The delivery log in this process only (`persistence.enabled: false`, tests). */
export function createMemoryDeliveryLog(): DeliveryLog {
  const deliveries = new Map<string, DeliveryRecord>()
  const attempts = new Map<string, DeliveryAttemptRecord[]>()
  return {
    async create(record) {
      if (deliveries.has(record.id)) return false
      deliveries.set(record.id, { ...record })
      return true
    },
    async get(id) {
      const record = deliveries.get(id)
      return record ? { ...record } : undefined
    },
    async list(filter) {
      const matching = [...deliveries.values()]
        .filter(
          (record) =>
            (!filter.status || record.status === filter.status) &&
            (!filter.agentId || record.agentId === filter.agentId) &&
            (!filter.channel || record.channel === filter.channel) &&
            (!filter.executionId || record.executionId === filter.executionId) &&
            (!filter.event || record.event === filter.event) &&
            (filter.principalId === undefined || record.principalId === filter.principalId),
        )
        .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      return {
        items: matching.slice(filter.offset, filter.offset + filter.limit).map((record) => ({ ...record })),
        total: matching.length,
      }
    },
    async recordAttempt(id, outcome) {
      const record = deliveries.get(id)
      const { attempt } = outcome
      if (record?.status !== 'pending' || record.attempts !== attempt.attempt - 1) return false
      deliveries.set(id, {
        ...record,
        status: outcome.status,
        attempts: attempt.attempt,
        lastStatusCode: attempt.statusCode,
        lastError: attempt.error,
        nextAttemptAt: outcome.nextAttemptAt,
        updatedAt: attempt.at,
        deliveredAt: outcome.status === 'delivered' ? attempt.at : record.deliveredAt,
      })
      attempts.set(id, [
        ...(attempts.get(id) ?? []),
        { ...attempt, deliveryId: id, latencyMs: Math.round(attempt.latencyMs) },
      ])
      return true
    },
    async listAttempts(id) {
      return (attempts.get(id) ?? []).map((attempt) => ({ ...attempt }))
    },
    async reopen(id, allowedAttempts, at) {
      const record = deliveries.get(id)
      if (!record || record.status === 'pending') return undefined
      const reopened: DeliveryRecord = {
        ...record,
        status: 'pending',
        lastAllowedAttempt: record.attempts + allowedAttempts,
        nextAttemptAt: at,
        updatedAt: at,
      }
      deliveries.set(id, reopened)
      return { ...reopened }
    },
  }
}
