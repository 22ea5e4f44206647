import type { ScheduleRecord, ScheduleRunRecord, ScheduleStore } from '../../core/ports/schedule-store.ts'
import { scheduleRunKey } from '../../core/schedules/run-key.ts'
import { cloneData } from './clone-data.ts'

/** Schedules in this process only: lost on restart, invisible to other instances. */
export function createMemoryScheduleStore(): ScheduleStore {
  const schedules = new Map<string, ScheduleRecord>()
  const runs = new Map<string, ScheduleRunRecord>()
  const copy = (record: ScheduleRecord) => cloneData(record)
  return {
    async list(filter = {}) {
      return [...schedules.values()]
        .filter((record) => filter.ownerId === undefined || record.ownerId === filter.ownerId)
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .map(copy)
    },
    async get(id) {
      const record = schedules.get(id)
      return record && copy(record)
    },
    async create(record) {
      if (schedules.has(record.id)) return false
      schedules.set(record.id, { ...copy(record), updatedAt: record.createdAt })
      return true
    },
    async update(id, patch, at) {
      const record = schedules.get(id)
      if (!record) return undefined
      const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined))
      const next = { ...record, ...cloneData(defined), updatedAt: at }
      schedules.set(id, next)
      return copy(next)
    },
    async delete(id) {
      for (const [key, run] of runs) if (run.scheduleId === id) runs.delete(key)
      return schedules.delete(id)
    },
    async listDue(until, limit) {
      return [...schedules.values()]
        .filter((record) => record.enabled && record.nextRunAt !== null && record.nextRunAt <= until)
        .sort((a, b) => (a.nextRunAt ?? 0) - (b.nextRunAt ?? 0) || (a.id < b.id ? -1 : 1))
        .slice(0, limit)
        .map(copy)
    },
    async claim(id, expectedNextRunAt, next, lastRunAt, at) {
      const record = schedules.get(id)
      if (!record?.enabled || record.nextRunAt !== expectedNextRunAt) return false
      schedules.set(id, { ...record, nextRunAt: next, lastRunAt, updatedAt: at })
      return true
    },
    async recordRun(run) {
      const key = scheduleRunKey(run)
      if (runs.has(key)) return false
      runs.set(key, { ...run })
      return true
    },
    async listRuns(scheduleId, limit) {
      return [...runs.values()]
        .filter((run) => run.scheduleId === scheduleId)
        .sort((a, b) => b.fireTime - a.fireTime || b.createdAt - a.createdAt)
        .slice(0, limit)
        .map((run) => ({ ...run }))
    },
  }
}
