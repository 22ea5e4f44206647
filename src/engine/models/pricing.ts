/** USD per million tokens. */
export interface ModelPrice {
  input: number
  output: number
}

/**
 * List prices of common models at the time of writing, so `cost_usd` is meaningful out of the
 * box. Prices change: set `model.pricing.<model>` in gateway.yaml to override or add models.
 * Keys are model names without the provider prefix; a dated variant matches its base name.
 */
export const defaultPrices: Readonly<Record<string, ModelPrice>> = {
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'o4-mini': { input: 1.1, output: 4.4 },
  'claude-sonnet-4-5': { input: 3, output: 15 },
  'claude-haiku-4-5': { input: 1, output: 5 },
  'claude-opus-4-1': { input: 15, output: 75 },
  'gemini-2.5-flash': { input: 0.3, output: 2.5 },
  'gemini-2.5-pro': { input: 1.25, output: 10 },
  'gemini-2.0-flash': { input: 0.1, output: 0.4 },
}

/** Finds the price of `provider:model` (configured prices first), or `undefined` when unknown. */
export function findPrice(
  modelId: string,
  configured: Readonly<Record<string, ModelPrice>>,
): ModelPrice | undefined {
  const name = modelId.includes(':') ? modelId.slice(modelId.indexOf(':') + 1) : modelId
  const exact = configured[modelId] ?? configured[name] ?? defaultPrices[name]
  if (exact) return exact
  // `gpt-4o-mini-2024-07-18` → `gpt-4o-mini`: the longest known name the id starts with.
  const candidates = [...Object.keys(configured), ...Object.keys(defaultPrices)]
    .filter((known) => name.startsWith(`${known}-`))
    .sort((a, b) => b.length - a.length)
  const best = candidates[0]
  return best ? (configured[best] ?? defaultPrices[best]) : undefined
}

export function costOf(price: ModelPrice | undefined, inputTokens: number, outputTokens: number): number {
  if (!price) return 0
  return (inputTokens * price.input + outputTokens * price.output) / 1_000_000
}
