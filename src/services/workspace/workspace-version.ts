import { createHash } from 'node:crypto'
import type { WorkspaceDefinition } from '../../core/workspace/model.ts'

/** What a reload changed, per kind of item: ids added, removed and changed. */
export interface ItemChanges {
  added: string[]
  removed: string[]
  changed: string[]
}

export interface WorkspaceChanges {
  agents: ItemChanges
  skills: ItemChanges
  tools: ItemChanges
  /** `AGENTS.md` or `BEHAVIOR.md` changed (every agent's prompt with them). */
  sharedPrompt: boolean
}

const digest = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex')

/** The definitions that make up a version: everything but the absolute root and diagnostics. */
function content(workspace: WorkspaceDefinition) {
  return {
    sharedPrompt: workspace.sharedPrompt,
    sharedBehavior: workspace.sharedBehavior,
    agents: workspace.agents,
    skills: workspace.skills,
    tools: workspace.tools,
  }
}

/**
 * A content hash of the served workspace (12 hex digits): equal on every instance that reads
 * the same files, whatever folder they are in.
 */
export function workspaceVersion(workspace: WorkspaceDefinition): string {
  return digest(content(workspace)).slice(0, 12)
}

function compareItems(before: readonly { id: string }[], after: readonly { id: string }[]): ItemChanges {
  const old = new Map(before.map((item) => [item.id, digest(item)]))
  const next = new Map(after.map((item) => [item.id, digest(item)]))
  return {
    added: [...next.keys()].filter((id) => !old.has(id)),
    removed: [...old.keys()].filter((id) => !next.has(id)),
    changed: [...next].filter(([id, hash]) => old.has(id) && old.get(id) !== hash).map(([id]) => id),
  }
}

/** What differs between two loaded workspaces. */
export function compareWorkspaces(before: WorkspaceDefinition, after: WorkspaceDefinition): WorkspaceChanges {
  return {
    agents: compareItems(before.agents, after.agents),
    skills: compareItems(before.skills, after.skills),
    tools: compareItems(before.tools, after.tools),
    sharedPrompt:
      before.sharedPrompt !== after.sharedPrompt || before.sharedBehavior !== after.sharedBehavior,
  }
}
