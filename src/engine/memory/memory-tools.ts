import type { MemoryScope, MemoryStore } from '../../core/ports/memory-store.ts'
import type { RegisteredTool, ToolHandler } from '../../tools/tool-types.ts'

/** The names of the memory tools. */
export const memoryToolNames = ['memory_save', 'memory_recall', 'memory_forget'] as const

/** Memories `memory_recall` returns at most. */
export const recallLimit = 10

function memoryTool(
  name: string,
  description: string,
  parameters: RegisteredTool['parameters'],
  handler: ToolHandler,
): RegisteredTool {
  return {
    name,
    description,
    parameters,
    source: 'code',
    allowedAgents: null,
    requireApproval: false,
    // Saving twice stores the fact twice: not retried blindly.
    idempotent: name !== 'memory_save',
    onInterrupted: 'tell_model',
    timeoutMs: undefined,
    instructions: '',
    file: undefined,
    handler,
  }
}

/**
 * The memory tools of an agent with `memory` enabled, for one user: `memory_save`,
 * `memory_recall` and `memory_forget`, every call scoped to `scope` (the caller and the agent).
 */
export function memoryTools(store: MemoryStore, scope: MemoryScope): RegisteredTool[] {
  return [
    memoryTool(
      'memory_save',
      'Remembers a fact about the user for later conversations (one short, self-contained sentence).',
      {
        type: 'object',
        properties: {
          content: { type: 'string', minLength: 1, maxLength: 2000, description: 'The fact to remember.' },
        },
        required: ['content'],
        additionalProperties: false,
      },
      async (args) => {
        const memory = await store.save(scope, String(args.content).trim())
        return { id: memory.id, saved: memory.content }
      },
    ),
    memoryTool(
      'memory_recall',
      'Searches what you remember about the user; returns the memories most relevant to the query.',
      {
        type: 'object',
        properties: { query: { type: 'string', minLength: 1, description: 'Words to search for.' } },
        required: ['query'],
        additionalProperties: false,
      },
      async (args) => {
        const found = await store.recall(scope, String(args.query), recallLimit)
        return { memories: found.map((memory) => ({ id: memory.id, content: memory.content })) }
      },
    ),
    memoryTool(
      'memory_forget',
      'Forgets one memory by its id (from memory_recall or the remembered section of your instructions).',
      {
        type: 'object',
        properties: { id: { type: 'string', minLength: 1, description: 'The id of the memory.' } },
        required: ['id'],
        additionalProperties: false,
      },
      async (args) => {
        const id = String(args.id)
        if (!(await store.forget(scope, id))) throw new Error(`no memory with id "${id}"`)
        return { forgotten: id }
      },
    ),
  ]
}
