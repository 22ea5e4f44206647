import type { LanguageModelV4 } from '@ai-sdk/provider'
import { z } from 'zod'
import { compactMemoryContents } from '../../core/compact-memories.ts'
import type { Logger } from '../../core/logger.ts'
import type { JobQueue, ReceivedJob } from '../../core/ports/job-queue.ts'
import type { MemoryScope, MemoryStore } from '../../core/ports/memory-store.ts'
import type { AgentDefinition } from '../../core/workspace/model.ts'

/** The `kind` of the queue job that extracts memories from one chat turn. */
export const memoryExtractionJobKind = 'memory_extract'

/** How long after a turn its extraction runs, so a burst of turns does not race the model. */
export const extractionDelayMs = 1000

const extractionPrompt = [
  'You extract durable facts about the user from one message they sent, for a memory that is',
  'kept across conversations: preferences, personal details, plans, standing instructions.',
  'Answer with one short, self-contained fact per line, written about "the user". Leave out',
  'questions, small talk and anything that only matters for this one request. Answer NONE when',
  'there is nothing to remember.',
].join(' ')

export interface MemoryExtraction {
  /** Queues the extraction of a completed chat turn (agents with `memory.auto_extract`, identified users). */
  schedule(turn: {
    agent: AgentDefinition
    /** Whose memories (`memoryScopeOf`); `undefined` for a caller without a user: nothing is queued. */
    scope: MemoryScope | undefined
    message: string
    executionId: string
  }): Promise<void>
  /** Runs one queued extraction job. */
  handleJob(job: ReceivedJob): Promise<void>
}

const scopeSchema = z.object({ ownerId: z.string().min(1), agentId: z.string().min(1) })

/** The memory scope a job carries, or `undefined` when it is malformed. */
function toScope(value: unknown): MemoryScope | undefined {
  const parsed = scopeSchema.safeParse(value)
  return parsed.success ? parsed.data : undefined
}

async function generateText(model: LanguageModelV4, system: string, user: string, signal?: AbortSignal) {
  const { stream } = await model.doStream({
    prompt: [
      { role: 'system', content: system },
      { role: 'user', content: [{ type: 'text', text: user }] },
    ],
    abortSignal: signal,
  })
  let text = ''
  for await (const part of stream) if (part.type === 'text-delta') text += part.delta
  return text
}

/**
 * Automatic memory extraction: after a chat turn, a queue job (never the request itself) asks
 * the agent's model — or `memory.extraction_model` — for the facts worth keeping in the user's
 * message and saves the new ones in the user's memory of that agent.
 */
export function createMemoryExtraction(options: {
  queue: JobQueue
  store: MemoryStore
  agent: (id: string) => AgentDefinition | undefined
  model: (agent: AgentDefinition) => LanguageModelV4
  logger: Logger
}): MemoryExtraction {
  return {
    async schedule({ agent, scope, message, executionId }) {
      if (!scope || !agent.memory.enabled || !agent.memory.autoExtract || message.trim() === '') return
      await options.queue.enqueue(
        {
          id: `${memoryExtractionJobKind}.${executionId}`,
          payload: { kind: memoryExtractionJobKind, scope: { ...scope }, message },
        },
        { delayMs: extractionDelayMs },
      )
    },

    async handleJob(job) {
      const scope = toScope(job.payload.scope)
      const { message } = job.payload
      if (!scope || typeof message !== 'string') return
      const agent = options.agent(scope.agentId)
      if (!agent?.memory.enabled) return
      const answer = await generateText(options.model(agent), extractionPrompt, message)
      const facts = answer
        .split('\n')
        .map((line) => line.replace(/^\s*[-*•\d.)]+\s*/, '').trim())
        .filter((line) => line !== '' && !/^none\.?$/i.test(line))
      if (facts.length === 0) return
      const known = (await options.store.list(scope)).map((memory) => memory.content)
      // Only facts that compaction would keep beside what is already known are new.
      const kept = new Set(compactMemoryContents([...known, ...facts]))
      const fresh = facts.filter((fact) => kept.has(fact) && !known.includes(fact))
      for (const fact of fresh) await options.store.save(scope, fact)
      options.logger.debug({ agent: scope.agentId, saved: fresh.length }, 'memories extracted')
    },
  }
}
