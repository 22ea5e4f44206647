/** How a written model id was understood. */
export type ModelIdResolution =
  | {
      ok: true
      /** The canonical `provider:model` id. */
      id: string
      /** The id was written in another form (a LiteLLM id) and mapped to `id`. */
      alias: boolean
    }
  | { ok: false; reason: string }

export interface ToModelIdOptions {
  /** Providers the gateway can reach: the built-in ones and every configured OpenAI-compatible name. */
  providers: ReadonlySet<string>
}

/** LiteLLM provider prefixes whose provider has another name here. */
const litellmPrefixes: Readonly<Record<string, string>> = {
  gemini: 'google',
  ollama_chat: 'ollama',
  hosted_vllm: 'vllm',
  lm_studio: 'lmstudio',
}

/**
 * Model names LiteLLM sends to OpenAI without a prefix: the GPT, o-series, ChatGPT, legacy
 * completion and embedding families.
 */
const bareOpenAiName = /^(gpt-|chatgpt-|o[1-9](-|$)|text-|davinci|babbage|codex-|computer-use-)/
/** Claude names LiteLLM sends to Anthropic without a prefix. */
const bareAnthropicName = /^claude-/

const examples = 'e.g. openai:gpt-4o-mini, anthropic:claude-haiku-4-5, google:gemini-2.5-flash'

/**
 * Reads a model id in either of the accepted forms and returns the canonical `provider:model`:
 *
 * - `provider:model` — the native form (`openai:gpt-4o-mini`, `ollama:llama3.2`, `mock:echo`);
 * - LiteLLM ids, as agents-gateway workspaces write them — `openai/gpt-4o`,
 *   `anthropic/claude-haiku-4-5`, `gemini/gemini-2.0-flash` (→ `google:`), `ollama/llama3.2`
 *   and other prefixes naming a configured OpenAI-compatible provider, and bare OpenAI or
 *   Claude names (`gpt-4o-mini`, `o3-mini`, `claude-sonnet-4-5`).
 *
 * Whatever comes first, `:` or `/`, decides the form, so `ollama/llama3.2:1b` is a LiteLLM id
 * and `openrouter:anthropic/claude-3` a native one. Pure: the caller says which providers exist.
 */
export function toModelId(written: string, options: ToModelIdOptions): ModelIdResolution {
  const id = written.trim()
  if (id === '') return { ok: false, reason: 'the model id is empty' }
  const { providers } = options
  const colon = id.indexOf(':')
  const slash = id.indexOf('/')

  if (colon !== -1 && (slash === -1 || colon < slash)) {
    const provider = id.slice(0, colon)
    const name = id.slice(colon + 1)
    if (provider === '' || name === '') {
      return { ok: false, reason: `model "${id}" must look like provider:model (${examples})` }
    }
    if (providers.has(provider)) return { ok: true, id, alias: false }
    // OpenAI fine-tunes are written `ft:<base>:<org>::<id>` with no provider in front.
    if (provider === 'ft') return { ok: true, id: `openai:${id}`, alias: true }
    return { ok: false, reason: unknownProvider(provider, id, providers) }
  }

  if (slash !== -1) {
    const prefix = id.slice(0, slash)
    const name = id.slice(slash + 1)
    if (prefix === '' || name === '') {
      return {
        ok: false,
        reason: `model "${id}" must look like provider/model or provider:model (${examples})`,
      }
    }
    const provider = litellmPrefixes[prefix] ?? prefix
    if (!providers.has(provider))
      return { ok: false, reason: unknownProvider(provider, id, providers, prefix) }
    return { ok: true, id: `${provider}:${name}`, alias: true }
  }

  if (bareOpenAiName.test(id)) return { ok: true, id: `openai:${id}`, alias: true }
  if (bareAnthropicName.test(id)) return { ok: true, id: `anthropic:${id}`, alias: true }
  const hint = id.startsWith('gemini-') ? ` (for Google AI Studio write gemini/${id} or google:${id})` : ''
  return {
    ok: false,
    reason: `model "${id}" names no provider${hint}: write provider:model (${examples}) or a LiteLLM id such as openai/gpt-4o`,
  }
}

function unknownProvider(
  provider: string,
  id: string,
  providers: ReadonlySet<string>,
  written: string = provider,
): string {
  const known = [...providers].sort().join(', ')
  const compatible = /^[a-z0-9][a-z0-9_-]*$/.test(provider)
    ? `; for an OpenAI-compatible server add model.providers.openai_compatible.${provider}.base_url`
    : ''
  const shown = written === provider ? `"${provider}"` : `"${written}" (${provider})`
  return `unknown model provider ${shown} in "${id}" (known: ${known}${compatible})`
}
