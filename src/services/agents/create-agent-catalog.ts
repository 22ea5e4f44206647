import type { Logger } from '../../core/logger.ts'
import type { AgentOverride, AgentOverrideStore } from '../../core/ports/agent-override-store.ts'
import type { EventBus } from '../../core/ports/event-bus.ts'
import type { AgentDefinition, WorkspaceDefinition } from '../../core/workspace/model.ts'

/** Bus channel on which an instance announces that it changed an agent override. */
export const agentOverridesChannel = 'agents.overrides'

/** What an admin may change about an agent; `null` returns a field to its AGENT.md value. */
export type AgentOverridePatch = Partial<
  Pick<AgentOverride, 'enabled' | 'description' | 'model' | 'executionMode'>
>

/**
 * The agents as the gateway serves them: the workspace's definitions with the dashboard's
 * overrides (enabled, description, model, execution mode) applied. The API, the runner and the
 * dashboard all read agents through it.
 */
export interface AgentCatalog {
  /** Every agent, overrides applied, in workspace order. */
  list(): Promise<AgentDefinition[]>
  /** One agent, overrides applied. */
  get(id: string): Promise<AgentDefinition | undefined>
  /** The stored override of an agent, if any. */
  override(id: string): Promise<AgentOverride | undefined>
  /** Stores a change, applies it here at once and tells other instances to re-read. */
  update(id: string, patch: AgentOverridePatch, actor: string): Promise<AgentDefinition>
  /** Serves the agents of a reloaded workspace from now on; stored overrides stay. */
  replaceWorkspace(workspace: WorkspaceDefinition): void
  start(): Promise<void>
  stop(): Promise<void>
}

export interface CreateAgentCatalogOptions {
  workspace: WorkspaceDefinition
  store: AgentOverrideStore
  bus: EventBus
  logger: Logger
  /**
   * How long overrides are cached. The bus invalidates caches at once; the TTL bounds staleness
   * when a bus message is lost or instances share a database without a shared bus.
   * @default 2000
   */
  ttlMs?: number
  now?: () => number
}

/** Applies an override to a definition; fields left `null` keep the file's values. */
export function applyAgentOverride(
  agent: AgentDefinition,
  override: AgentOverride | undefined,
): AgentDefinition {
  if (!override) return agent
  return {
    ...agent,
    enabled: override.enabled ?? agent.enabled,
    description: override.description ?? agent.description,
    executionMode: override.executionMode ?? agent.executionMode,
    model: override.model ? { ...agent.model, name: override.model } : agent.model,
  }
}

export function createAgentCatalog(options: CreateAgentCatalogOptions): AgentCatalog {
  const { store, bus, logger } = options
  let workspace = options.workspace
  const ttlMs = options.ttlMs ?? 2000
  const now = options.now ?? Date.now
  let snapshot: { overrides: Map<string, AgentOverride>; loadedAt: number } | undefined
  let loading: Promise<Map<string, AgentOverride>> | undefined
  let generation = 0
  let unsubscribe: (() => Promise<void>) | undefined

  const overrides = async (): Promise<Map<string, AgentOverride>> => {
    if (snapshot && now() - snapshot.loadedAt < ttlMs) return snapshot.overrides
    if (!loading) {
      const started = generation
      const loadedAt = now()
      loading = store
        .list()
        .then((list) => {
          const map = new Map(list.map((override) => [override.agentId, override]))
          // An invalidation that arrived while loading makes this read stale: keep it uncached.
          if (started === generation) snapshot = { overrides: map, loadedAt }
          return map
        })
        .finally(() => {
          loading = undefined
        })
    }
    return loading
  }
  const invalidate = () => {
    generation++
    snapshot = undefined
  }

  return {
    async list() {
      const map = await overrides()
      return workspace.agents.map((agent) => applyAgentOverride(agent, map.get(agent.id)))
    },
    async get(id) {
      const agent = workspace.agents.find((candidate) => candidate.id === id)
      if (!agent) return undefined
      return applyAgentOverride(agent, (await overrides()).get(id))
    },
    async override(id) {
      return (await overrides()).get(id)
    },
    async update(id, patch, actor) {
      const agent = workspace.agents.find((candidate) => candidate.id === id)
      if (!agent) throw new Error(`unknown agent ${id}`)
      const current = (await overrides()).get(id)
      const next: AgentOverride = {
        agentId: id,
        enabled: current?.enabled ?? null,
        description: current?.description ?? null,
        model: current?.model ?? null,
        executionMode: current?.executionMode ?? null,
        ...patch,
        updatedBy: actor,
        updatedAt: now(),
      }
      await store.put(next)
      invalidate()
      await bus.publish(agentOverridesChannel, { agentId: id }).catch((error: unknown) => {
        logger.warn(
          { err: error },
          'could not announce an agent change; other instances see it within seconds',
        )
      })
      return applyAgentOverride(agent, next)
    },
    replaceWorkspace(next) {
      workspace = next
    },
    async start() {
      unsubscribe = await bus.subscribe(agentOverridesChannel, invalidate)
    },
    async stop() {
      await unsubscribe?.()
      unsubscribe = undefined
    },
  }
}
