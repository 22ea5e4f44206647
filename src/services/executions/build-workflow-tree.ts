import { addUsage, emptyUsage, type Usage } from '../../core/execution-types.ts'
import type { ExecutionRecord } from '../../core/ports/execution-store.ts'

/** One execution of a delegation tree, with the executions it delegated to. */
export interface WorkflowNode {
  record: ExecutionRecord
  children: WorkflowNode[]
}

/** A delegation tree: its root, every execution in it, and what they used together. */
export interface Workflow {
  root: WorkflowNode
  executionCount: number
  /** The sum of every execution's own usage. */
  usage: Usage
}

/**
 * Builds the tree of one workflow from its executions (any order). An execution whose parent is
 * not among them (not visible to the viewer) hangs under the root, so nothing visible is lost.
 */
export function buildWorkflowTree(rootId: string, records: readonly ExecutionRecord[]): Workflow | undefined {
  const nodes = new Map(records.map((record) => [record.id, { record, children: [] as WorkflowNode[] }]))
  const root = nodes.get(rootId)
  if (!root) return undefined
  const byCreation = [...nodes.values()].sort((a, b) => a.record.createdAt - b.record.createdAt)
  for (const node of byCreation) {
    if (node === root) continue
    const parent = (node.record.parentExecutionId && nodes.get(node.record.parentExecutionId)) || root
    parent.children.push(node)
  }
  const usage = records.reduce((total, record) => addUsage(total, record.usage ?? emptyUsage()), emptyUsage())
  return { root, executionCount: nodes.size, usage }
}
