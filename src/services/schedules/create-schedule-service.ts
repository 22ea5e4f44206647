import { randomBytes } from 'node:crypto'
import { listScope, ownerOfNew, type Viewer } from '../../core/authorization.ts'
import { GatewayError } from '../../core/errors.ts'
import type { ExecutionStatus } from '../../core/execution-types.ts'
import type { Logger } from '../../core/logger.ts'
import type {
  ScheduleNotify,
  SchedulePatch,
  ScheduleRecord,
  ScheduleRunRecord,
  ScheduleStore,
} from '../../core/ports/schedule-store.ts'
import { checkCron } from '../../core/schedules/cron.ts'
import type { AgentDefinition } from '../../core/workspace/model.ts'
import type { ExecutionService } from '../executions/create-execution-service.ts'
import { toJobIdentity } from '../executions/job-identity.ts'
import { requireAccess } from '../require-access.ts'
import { createScheduler, type Scheduler } from './create-scheduler.ts'
import { nextRunOf, type SchedulerDefaults } from './schedule-settings.ts'

/** What a caller may set on a new schedule. */
export interface ScheduleDraft {
  agentId: string
  name: string
  cron: string
  message: string
  input?: Record<string, unknown> | undefined
  timezone?: string | null | undefined
  instructions?: string | null | undefined
  notify?: ScheduleNotify | null | undefined
  enabled?: boolean | undefined
  misfireGraceSeconds?: number | null | undefined
  coalesce?: boolean | null | undefined
  maxInstances?: number | null | undefined
  /** An administrator's own schedule instead of an admin schedule. @default false */
  personal?: boolean | undefined
}

/** What a caller may change on a schedule. */
export type ScheduleChanges = Omit<SchedulePatch, 'nextRunAt' | 'lastRunAt'>

/** A run of a schedule with the status of the execution it queued. */
export interface ScheduleRun extends ScheduleRunRecord {
  executionStatus: ExecutionStatus | null
}

export interface CreateScheduleServiceOptions {
  store: ScheduleStore
  executions: ExecutionService
  defaults: SchedulerDefaults
  /** Whether an agent exists (schedules of unknown agents are refused). */
  agentExists: (agentId: string) => Promise<boolean>
  logger: Logger
  now?: () => number
}

/** `notify` as written in YAML and sent over HTTP (snake_case), whatever the parser made of it. */
function toWireKeys(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(value).map(([key, entry]) => [
      key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`),
      entry,
    ]),
  )
}

const namePattern = /^[A-Za-z0-9_.-]{1,64}$/

function invalid(path: string, message: string): GatewayError {
  return new GatewayError('validation_failed', { message, details: [{ path, message }] })
}

/**
 * Schedules as each viewer may see and change them (through the one policy: administrators see
 * and change every schedule, users their own), the workspace's schedules kept in step with the
 * store, and the ticker that fires them on this instance.
 */
export function createScheduleService(options: CreateScheduleServiceOptions) {
  const { store, defaults, logger } = options
  const now = options.now ?? Date.now
  const scheduler: Scheduler = createScheduler({
    store,
    executions: options.executions,
    defaults,
    logger,
    now,
  })

  const notFound = (id: string) => () =>
    new GatewayError('schedule_not_found', { message: `Schedule "${id}" not found.` })

  const access = async (id: string, viewer: Viewer, kind: 'read' | 'change') =>
    requireAccess(await store.get(id), {
      viewer,
      access: kind,
      ownerId: (record) => record.ownerId,
      notFound: notFound(id),
      forbiddenMessage: `You may read schedule "${id}" but not change it.`,
    })

  function checkTiming(cron: string, timezone: string | null | undefined): void {
    const problem = checkCron(cron, timezone ?? defaults.timezone)
    if (problem) throw invalid(problem.includes('time zone') ? '/timezone' : '/cron', problem)
  }

  function checkLimits(changes: ScheduleChanges): void {
    if (changes.message !== undefined && changes.message.trim() === '')
      throw invalid('/message', 'message must not be empty')
    if (changes.instructions && changes.instructions.length > 4000)
      throw invalid('/instructions', 'instructions are at most 4000 characters')
    if (changes.maxInstances != null && (!Number.isInteger(changes.maxInstances) || changes.maxInstances < 1))
      throw invalid('/max_instances', 'max_instances is a whole number of at least 1')
    if (
      changes.misfireGraceSeconds != null &&
      (!Number.isInteger(changes.misfireGraceSeconds) || changes.misfireGraceSeconds < 0)
    )
      throw invalid('/misfire_grace_seconds', 'misfire_grace_seconds is a whole number of at least 0')
  }

  /** Records of the workspace's schedules, as AGENT.md defines them. */
  function workspaceRecords(agents: readonly AgentDefinition[], at: number): ScheduleRecord[] {
    return agents.flatMap((agent) =>
      agent.schedules.map((schedule) => ({
        id: `${agent.id}:${schedule.name}`,
        agentId: agent.id,
        name: schedule.name,
        source: 'workspace' as const,
        ownerId: null,
        runAs: toJobIdentity({ kind: 'system' }),
        cron: schedule.cron,
        timezone: schedule.timezone ?? null,
        message: schedule.message,
        input: schedule.input,
        instructions: schedule.instructions ?? null,
        notify: schedule.notify ? toWireKeys(schedule.notify) : null,
        enabled: schedule.enabled,
        misfireGraceSeconds: schedule.misfireGraceSeconds ?? null,
        coalesce: schedule.coalesce ?? null,
        maxInstances: schedule.maxInstances ?? null,
        nextRunAt: null,
        lastRunAt: null,
        createdAt: at,
        updatedAt: at,
      })),
    )
  }

  return {
    scheduler,

    /**
     * Brings the store in step with the workspace: new AGENT.md schedules are added, changed ones
     * updated (a new cron or time zone restarts from the next tick; otherwise the stored next
     * run is kept, so a tick missed while every instance was down is still due), and workspace
     * schedules no longer in any AGENT.md are removed. A schedule paused through the API or
     * dashboard stays paused; `enabled: false` in AGENT.md pauses it. Safe on every instance.
     */
    async syncWorkspace(agents: readonly AgentDefinition[]): Promise<void> {
      const at = now()
      const wanted = workspaceRecords(agents, at)
      const wantedIds = new Set(wanted.map((record) => record.id))
      for (const record of wanted) {
        const existing = await store.get(record.id)
        if (!existing) {
          const nextRunAt = record.enabled ? nextRunOf(record, defaults, at) : null
          await store.create({ ...record, nextRunAt })
          continue
        }
        const timingChanged = existing.cron !== record.cron || existing.timezone !== record.timezone
        const enabled = existing.enabled && record.enabled
        const nextRunAt = !enabled
          ? null
          : timingChanged || existing.nextRunAt === null
            ? nextRunOf(record, defaults, at)
            : existing.nextRunAt
        await store.update(
          record.id,
          {
            cron: record.cron,
            timezone: record.timezone,
            message: record.message,
            input: record.input,
            instructions: record.instructions,
            notify: record.notify,
            misfireGraceSeconds: record.misfireGraceSeconds,
            coalesce: record.coalesce,
            maxInstances: record.maxInstances,
            enabled,
            nextRunAt,
          },
          at,
        )
      }
      for (const record of await store.list()) {
        if (record.source === 'workspace' && !wantedIds.has(record.id)) {
          await store.delete(record.id)
          logger.info({ scheduleId: record.id }, 'removed a schedule no longer in the workspace')
        }
      }
    },

    /** The schedules the viewer may see, ordered by id. */
    async listVisible(viewer: Viewer, filter: { agentId?: string | undefined } = {}) {
      const scope = listScope(viewer)
      if (scope.kind === 'nothing') return []
      const records = await store.list(scope.kind === 'owner' ? { ownerId: scope.ownerId } : {})
      return filter.agentId ? records.filter((record) => record.agentId === filter.agentId) : records
    },

    getVisible: (id: string, viewer: Viewer) => access(id, viewer, 'read'),

    /**
     * Creates an admin schedule (for administrators) or a schedule owned by the viewer. Refused
     * with `validation_failed` for a bad cron, time zone or name, `agent_not_found`, and
     * `schedule_conflict` when the id exists.
     */
    async create(draft: ScheduleDraft, viewer: Viewer): Promise<ScheduleRecord> {
      if (!namePattern.test(draft.name)) throw invalid('/name', 'name: letters, digits, . _ - only (1-64)')
      checkTiming(draft.cron, draft.timezone)
      checkLimits(draft)
      if (!(await options.agentExists(draft.agentId)))
        throw new GatewayError('agent_not_found', { message: `Agent "${draft.agentId}" not found.` })
      const owner = ownerOfNew(viewer, { personal: draft.personal })
      if (owner.kind === 'refused')
        throw new GatewayError('forbidden', { message: 'Only a signed-in principal can own a schedule.' })
      const admin = owner.kind === 'shared'
      const ownerId = owner.kind === 'owner' ? owner.ownerId : null
      const at = now()
      const id = admin
        ? `admin:${draft.agentId}:${draft.name}`
        : `user:${ownerId}:${draft.agentId}:${randomBytes(4).toString('hex')}`
      const enabled = draft.enabled ?? true
      const record: ScheduleRecord = {
        id,
        agentId: draft.agentId,
        name: draft.name,
        source: admin ? 'admin' : 'user',
        ownerId,
        runAs: toJobIdentity(admin ? { kind: 'system' } : viewer),
        cron: draft.cron,
        timezone: draft.timezone ?? null,
        message: draft.message,
        input: draft.input ?? {},
        instructions: draft.instructions ?? null,
        notify: draft.notify ?? null,
        enabled,
        misfireGraceSeconds: draft.misfireGraceSeconds ?? null,
        coalesce: draft.coalesce ?? null,
        maxInstances: draft.maxInstances ?? null,
        nextRunAt: null,
        lastRunAt: null,
        createdAt: at,
        updatedAt: at,
      }
      record.nextRunAt = enabled ? nextRunOf(record, defaults, at) : null
      if (!(await store.create(record)))
        throw new GatewayError('schedule_conflict', { message: `Schedule "${id}" already exists.` })
      return record
    },

    /**
     * Changes a schedule the viewer may change. A workspace schedule is defined by its AGENT.md:
     * only `enabled` changes here (edit the file for the rest).
     */
    async update(id: string, changes: ScheduleChanges, viewer: Viewer): Promise<ScheduleRecord> {
      const record = await access(id, viewer, 'change')
      if (record.source === 'workspace') {
        const others = Object.keys(changes).filter(
          (key) => key !== 'enabled' && changes[key as keyof ScheduleChanges] !== undefined,
        )
        if (others.length > 0) {
          throw new GatewayError('bad_request', {
            message: `Schedule "${id}" is defined in ${record.agentId}'s AGENT.md; change it there (only pause and resume apply here).`,
          })
        }
      }
      const cron = changes.cron ?? record.cron
      const timezone = changes.timezone !== undefined ? changes.timezone : record.timezone
      checkTiming(cron, timezone)
      checkLimits(changes)
      const at = now()
      const enabled = changes.enabled ?? record.enabled
      const timingChanged = cron !== record.cron || timezone !== record.timezone
      const nextRunAt = !enabled
        ? null
        : timingChanged || !record.enabled || record.nextRunAt === null
          ? nextRunOf({ cron, timezone }, defaults, at)
          : record.nextRunAt
      const updated = await store.update(id, { ...changes, enabled, nextRunAt }, at)
      if (!updated) throw notFound(id)()
      return updated
    },

    /** Pauses (`false`) or resumes (`true`); a resumed schedule fires from its next tick on. */
    setEnabled(id: string, enabled: boolean, viewer: Viewer) {
      return this.update(id, { enabled }, viewer)
    },

    /** Deletes an admin or user schedule; workspace schedules are refused (edit AGENT.md). */
    async delete(id: string, viewer: Viewer): Promise<void> {
      const record = await access(id, viewer, 'change')
      if (record.source === 'workspace') {
        throw new GatewayError('bad_request', {
          message: `Schedule "${id}" is defined in ${record.agentId}'s AGENT.md; remove it there.`,
        })
      }
      await store.delete(id)
    },

    /**
     * Runs the schedule now, as a `manual` run: recorded as such, and the next tick is not
     * consumed. Works on paused schedules too.
     */
    async trigger(id: string, viewer: Viewer): Promise<{ executionId: string }> {
      const record = await access(id, viewer, 'change')
      const at = now()
      const outcome = await scheduler.fire(record, 'manual', at)
      if (outcome.status !== 'submitted') {
        throw new GatewayError('gateway_unavailable', { message: 'The run could not be queued; try again.' })
      }
      await store.update(id, { lastRunAt: at }, at)
      return { executionId: outcome.executionId }
    },

    /** The schedule's recent runs, newest first, with their executions' statuses. */
    async runs(id: string, viewer: Viewer, limit = 20): Promise<ScheduleRun[]> {
      await access(id, viewer, 'read')
      const runs = await store.listRuns(id, limit)
      return Promise.all(
        runs.map(async (run) => ({
          ...run,
          executionStatus: run.executionId
            ? ((await options.executions.store.get(run.executionId))?.status ?? null)
            : null,
        })),
      )
    },

    start(): void {
      scheduler.start()
    },
    stop(): Promise<void> {
      return scheduler.stop()
    },
  }
}

export type ScheduleService = ReturnType<typeof createScheduleService>
