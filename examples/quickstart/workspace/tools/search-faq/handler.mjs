import { readFile } from 'node:fs/promises'

const faqFile = new URL('./faq.json', import.meta.url)

/** Scores FAQ entries by keyword overlap with the query. */
export async function handle(args, context) {
  const entries = JSON.parse(await readFile(faqFile, 'utf8'))
  const words = String(args.query).toLowerCase().split(/\W+/).filter(Boolean)
  const scored = entries
    .map((entry) => ({
      entry,
      score: words.filter((word) =>
        entry.keywords.some((keyword) => keyword.startsWith(word) || word.startsWith(keyword)),
      ).length,
    }))
    .filter((item) => item.score > 0)
    .sort((a, b) => b.score - a.score)
    .slice(0, args.limit ?? 2)
  context.logger.debug({ query: args.query, hits: scored.length }, 'faq searched')
  return scored.map(({ entry }) => ({ question: entry.question, answer: entry.answer, policy: entry.policy }))
}
