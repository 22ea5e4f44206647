import { memoryScopeOf, type Viewer } from '../../core/authorization.ts'
import { compactMemoryContents } from '../../core/compact-memories.ts'
import { GatewayError } from '../../core/errors.ts'
import type { Memory, MemoryScope, MemoryStore } from '../../core/ports/memory-store.ts'
import type { AgentDefinition } from '../../core/workspace/model.ts'

export interface CompactionResult {
  scope: MemoryScope
  before: number
  memories: Memory[]
}

/**
 * The caller's memories of one agent: always the viewer's own (authorization: `memoryOwnerOf`),
 * 401 `auth_required` without a user, 400 `memory_disabled` for an agent without memory.
 */
export function memoryScopeFor(agent: AgentDefinition, viewer: Viewer): MemoryScope {
  if (!agent.memory.enabled)
    throw new GatewayError('memory_disabled', {
      message: `Agent "${agent.id}" does not have memory enabled.`,
    })
  const scope = memoryScopeOf(viewer, agent.id)
  if (!scope)
    throw new GatewayError('auth_required', {
      message: 'Memories belong to an identified user; this request has none.',
    })
  return scope
}

/** Compacts the viewer's memories of `agent` (dedupe and merge, no model) and returns what is kept. */
export async function compactMemories(
  store: MemoryStore,
  agent: AgentDefinition,
  viewer: Viewer,
): Promise<CompactionResult> {
  const scope = memoryScopeFor(agent, viewer)
  const current = await store.list(scope)
  const kept = compactMemoryContents(current.map((memory) => memory.content))
  const unchanged =
    kept.length === current.length && kept.every((content, index) => content === current[index]?.content)
  const memories = unchanged ? current : await store.replace(scope, kept)
  return { scope, before: current.length, memories }
}
