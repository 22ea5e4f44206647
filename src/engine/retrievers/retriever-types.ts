import type { Principal } from '../../core/principal.ts'

/** One passage a retriever found. */
export interface RetrievedPassage {
  /** The text that goes into the prompt. */
  text: string
  /** Where it came from (a file, a URL, a document id), shown with the passage. */
  source?: string | undefined
  /** Higher is more relevant; passages are kept in the order the retriever returns them. */
  score?: number | undefined
}

/** What a retriever gets besides the query. */
export interface RetrieverContext {
  agentId: string
  executionId: string
  /** Who runs the agent, when known. */
  principal: Principal | undefined
  /** Aborted when the run ends or the retriever's time is up; pass it to fetch and other I/O. */
  signal: AbortSignal
  /** At most this many passages are wanted. */
  limit: number
}

/**
 * A source of context for agents that list it in `retrievers:` — registered with
 * `gw.useRetriever(name, retriever)`. Its passages go into the prompt as a delimited
 * "Retrieved Context" section, and the model can ask it directly with the `use_retriever` tool.
 *
 * @example
 * ```ts
 * gw.useRetriever('handbook', {
 *   async retrieve(query, { limit }) {
 *     return (await search(query, limit)).map((hit) => ({ text: hit.body, source: hit.url }))
 *   },
 * })
 * ```
 */
export interface Retriever {
  retrieve(query: string, context: RetrieverContext): Promise<RetrievedPassage[]> | RetrievedPassage[]
}
