import { randomUUID } from 'node:crypto'
import { memoryTerms } from '../../core/memory-terms.ts'
import type { Memory, MemoryScope, MemoryStore } from '../../core/ports/memory-store.ts'

const inScope = (memory: Memory, scope: MemoryScope) =>
  memory.ownerId === scope.ownerId && memory.agentId === scope.agentId

/** Agent memories in this process only; recall ranks by the number of query words a memory holds. */
export function createMemoryMemoryStore(): MemoryStore {
  let memories: Memory[] = []
  const create = (scope: MemoryScope, content: string): Memory => ({
    id: randomUUID(),
    ownerId: scope.ownerId,
    agentId: scope.agentId,
    content,
    createdAt: Date.now(),
  })
  return {
    async save(scope, content) {
      const memory = create(scope, content)
      memories.push(memory)
      return { ...memory }
    },
    async recall(scope, query, limit) {
      const terms = memoryTerms(query)
      if (terms.length === 0 || limit <= 0) return []
      return memories
        .filter((memory) => inScope(memory, scope))
        .map((memory, index) => {
          const words = new Set(memoryTerms(memory.content))
          return { memory, index, score: terms.filter((term) => words.has(term)).length }
        })
        .filter((entry) => entry.score > 0)
        .sort((a, b) => b.score - a.score || b.index - a.index)
        .slice(0, limit)
        .map((entry) => ({ ...entry.memory }))
    },
    async list(scope) {
      return memories.filter((memory) => inScope(memory, scope)).map((memory) => ({ ...memory }))
    },
    async forget(scope, id) {
      const before = memories.length
      memories = memories.filter((memory) => !(memory.id === id && inScope(memory, scope)))
      return memories.length < before
    },
    async replace(scope, contents) {
      const fresh = contents.map((content) => create(scope, content))
      memories = [...memories.filter((memory) => !inScope(memory, scope)), ...fresh]
      return fresh.map((memory) => ({ ...memory }))
    },
  }
}
