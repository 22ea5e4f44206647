import type { ContextFile } from '../../core/workspace/model.ts'
import type { RetrievedPassage, Retriever } from './retriever-types.ts'

/** The name of the built-in retriever over an agent's context files. */
export const contextRetrieverName = 'context'

const chunkChars = 800
const k1 = 1.2
const b = 0.75

interface Chunk {
  source: string
  text: string
  terms: Map<string, number>
  length: number
}

function tokenize(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((term) => term.length > 1)
}

/** Paragraphs of a file, joined into chunks of about `chunkChars`, each starting a paragraph. */
function chunksOf(file: ContextFile): { source: string; text: string }[] {
  const paragraphs = file.content
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter(Boolean)
  const chunks: { source: string; text: string }[] = []
  let current = ''
  for (const paragraph of paragraphs) {
    if (current && current.length + paragraph.length > chunkChars) {
      chunks.push({ source: file.path, text: current })
      current = ''
    }
    current = current ? `${current}\n\n${paragraph}` : paragraph
  }
  if (current) chunks.push({ source: file.path, text: current })
  return chunks
}

/** A BM25 index over context files, built once per set of files. */
function buildIndex(files: readonly ContextFile[]) {
  const chunks: Chunk[] = files.flatMap(chunksOf).map((chunk) => {
    const terms = new Map<string, number>()
    const tokens = tokenize(chunk.text)
    for (const term of tokens) terms.set(term, (terms.get(term) ?? 0) + 1)
    return { ...chunk, terms, length: tokens.length }
  })
  const documentFrequency = new Map<string, number>()
  for (const chunk of chunks)
    for (const term of chunk.terms.keys()) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1)
  const averageLength = chunks.reduce((sum, chunk) => sum + chunk.length, 0) / Math.max(1, chunks.length)
  return (query: string, limit: number): RetrievedPassage[] => {
    const terms = [...new Set(tokenize(query))]
    const scored = chunks.map((chunk) => {
      let score = 0
      for (const term of terms) {
        const frequency = chunk.terms.get(term)
        if (!frequency) continue
        const documents = documentFrequency.get(term) ?? 0
        const idf = Math.log(1 + (chunks.length - documents + 0.5) / (documents + 0.5))
        score +=
          (idf * frequency * (k1 + 1)) / (frequency + k1 * (1 - b + (b * chunk.length) / averageLength))
      }
      return { chunk, score }
    })
    return scored
      .filter((entry) => entry.score > 0)
      .sort((left, right) => right.score - left.score)
      .slice(0, limit)
      .map(({ chunk, score }) => ({
        text: chunk.text,
        source: chunk.source,
        score: Number(score.toFixed(4)),
      }))
  }
}

/**
 * The built-in `context` retriever: BM25 over the paragraphs of the running agent's context files
 * (`agents/<id>/context/*.md` and frontmatter `context` files), offline, no model needed.
 */
export function createContextRetriever(
  contextFilesOf: (agentId: string) => readonly ContextFile[],
): Retriever {
  const indexes = new Map<string, { files: readonly ContextFile[]; search: ReturnType<typeof buildIndex> }>()
  return {
    retrieve(query, context) {
      const files = contextFilesOf(context.agentId)
      let index = indexes.get(context.agentId)
      if (index?.files !== files) {
        index = { files, search: buildIndex(files) }
        indexes.set(context.agentId, index)
      }
      return index.search(query, context.limit)
    },
  }
}
