import type { EngineEvent } from '../../core/execution-types.ts'
import type { Principal } from '../../core/principal.ts'
import type { AgentDefinition } from '../../core/workspace/model.ts'
import type { RegisteredTool } from '../../tools/tool-types.ts'
import type { EngineDependencies } from '../engine-dependencies.ts'
import { runRetrievers } from './run-retrievers.ts'

/** The name of the tool the model searches the agent's retrievers with. */
export const retrieverToolName = 'use_retriever'

/**
 * `use_retriever(query, retriever?)` for agents with `retrievers`: asks one retriever (or all of
 * the agent's) and returns the passages. Each retrieval is a step of the trace.
 */
export function retrieverTool(
  deps: EngineDependencies,
  agent: AgentDefinition,
  run: { executionId: string; principal: Principal | undefined; emit: (event: EngineEvent) => void },
): RegisteredTool {
  return {
    name: retrieverToolName,
    description: `Searches for passages relevant to a query, in: ${agent.retrievers.join(', ')}. Use it when the retrieved context you were given does not answer the question.`,
    parameters: {
      type: 'object',
      properties: {
        query: { type: 'string', minLength: 1, description: 'What to search for.' },
        retriever: { type: 'string', enum: [...agent.retrievers], description: 'Search only this one.' },
      },
      required: ['query'],
      additionalProperties: false,
    },
    source: 'code',
    allowedAgents: null,
    requireApproval: false,
    idempotent: true,
    onInterrupted: 'tell_model',
    timeoutMs: undefined,
    instructions: '',
    file: undefined,
    handler: async (args, context) => {
      const found = await runRetrievers(deps, {
        agentId: agent.id,
        executionId: run.executionId,
        principal: run.principal,
        query: String(args.query),
        names: typeof args.retriever === 'string' ? [args.retriever] : agent.retrievers,
        signal: context.signal,
        emit: run.emit,
      })
      return found.flatMap(({ retriever, passages }) =>
        passages.map((passage) => ({ retriever, source: passage.source ?? null, text: passage.text })),
      )
    },
  }
}
