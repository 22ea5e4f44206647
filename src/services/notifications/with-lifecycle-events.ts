import { eventOfStatus, type NotificationEventType } from '../../core/notifications/notification-events.ts'
import type { ExecutionStore } from '../../core/ports/execution-store.ts'

/**
 * The execution store, telling `emit` about every terminal transition it made. Every path that
 * ends an execution — a run's end, a timeout, a cancel of a queued or running one, a failed
 * enqueue, the reaper, a dead-lettered job — goes through `finish()` or `requestCancel()`, and
 * both are conditional updates of which exactly one caller, on any instance, wins. So each
 * execution's event is emitted once: never for a retry that kept it open, never twice across
 * instances. `emit` runs in the background; the transition never waits for a receiver.
 */
export function withLifecycleEvents(
  store: ExecutionStore,
  emit: (event: NotificationEventType, executionId: string) => unknown,
): ExecutionStore {
  return {
    create: (record) => store.create(record),
    get: (id) => store.get(id),
    list: (filter) => store.list(filter),
    markRunning: (id, at) => store.markRunning(id, at),
    async awaitApproval(id, pending, usage, at) {
      const paused = await store.awaitApproval(id, pending, usage, at)
      if (paused) void emit('execution.awaiting_approval', id)
      return paused
    },
    resumeFromApproval: (id, at) => store.resumeFromApproval(id, at),
    async finish(id, update) {
      const finished = await store.finish(id, update)
      const event = eventOfStatus(update.status)
      if (finished && event) void emit(event, id)
      return finished
    },
    async requestCancel(id, at) {
      const outcome = await store.requestCancel(id, at)
      if (outcome === 'cancelled') void emit('execution.cancelled', id)
      return outcome
    },
    appendSteps: (id, steps) => store.appendSteps(id, steps),
    appendJournal: (id, entry, attempt, at) => store.appendJournal(id, entry, attempt, at),
    listJournal: (id) => store.listJournal(id),
    touch: (id, at) => store.touch(id, at),
    listStale: (before, limit) => store.listStale(before, limit),
    listSteps: (id, afterSequence) => store.listSteps(id, afterSequence),
    stats: (filter) => store.stats(filter),
    pruneFinished: (rule) => store.pruneFinished(rule),
  }
}
