import { createAnthropic } from '@ai-sdk/anthropic'
import { createGoogleGenerativeAI } from '@ai-sdk/google'
import { createOpenAI } from '@ai-sdk/openai'
import { createOpenAICompatible } from '@ai-sdk/openai-compatible'
import type { LanguageModelV4 } from '@ai-sdk/provider'
import type { GatewayConfig } from '../../core/config/schema.ts'
import { createMockModel } from './mock-model.ts'
import { ModelResolutionError } from './model-errors.ts'
import { toModelId } from './to-model-id.ts'

/**
 * Turns model ids into AI SDK language models, one instance per id. Ids are `provider:model` or
 * LiteLLM ids (`openai/gpt-4o`, `gemini/…`, bare `gpt-4o-mini`), see `toModelId`.
 */
export interface ModelRegistry {
  /** @throws ModelResolutionError for an unknown provider or a malformed id */
  resolve(id: string): LanguageModelV4
  /** The reason an id cannot be resolved, or `null` when it can (for start-up checks). */
  check(id: string): string | null
  /**
   * The canonical `provider:model` an id stands for (`gpt-4o-mini` → `openai:gpt-4o-mini`); ids
   * registered in code and ids that cannot be resolved come back as written.
   */
  canonical(id: string): string
}

export interface CreateModelRegistryOptions {
  config: GatewayConfig['model']
  /**
   * Models registered in code with `gw.useModel(id, model)`: matched by exact id first, then by
   * the canonical id an alias stands for.
   */
  custom: ReadonlyMap<string, LanguageModelV4>
  env: Readonly<Record<string, string | undefined>>
}

export function createModelRegistry(options: CreateModelRegistryOptions): ModelRegistry {
  const { config, custom, env } = options
  const cache = new Map<string, LanguageModelV4>()
  const compatible = config.providers.openaiCompatible
  const factories = new Map<string, (name: string) => LanguageModelV4>()

  const lazy = (create: () => (name: string) => LanguageModelV4) => {
    let made: ((name: string) => LanguageModelV4) | undefined
    return (name: string) => {
      made ??= create()
      return made(name)
    }
  }
  const openai = config.providers.openai
  factories.set(
    'openai',
    lazy(() => {
      // Chat Completions: the API most OpenAI-style endpoints and proxies speak.
      const provider = createOpenAI({
        apiKey: openai?.apiKey || env.OPENAI_API_KEY,
        ...(openai?.baseUrl ? { baseURL: openai.baseUrl } : {}),
        ...(openai?.headers ? { headers: openai.headers } : {}),
      })
      return (name) => provider.chat(name)
    }),
  )
  const anthropic = config.providers.anthropic
  factories.set(
    'anthropic',
    lazy(() => {
      const provider = createAnthropic({
        apiKey: anthropic?.apiKey || env.ANTHROPIC_API_KEY,
        ...(anthropic?.baseUrl ? { baseURL: anthropic.baseUrl } : {}),
        ...(anthropic?.headers ? { headers: anthropic.headers } : {}),
      })
      return (name) => provider(name)
    }),
  )
  const google = config.providers.google
  factories.set(
    'google',
    lazy(() => {
      const provider = createGoogleGenerativeAI({
        // GEMINI_API_KEY is the name LiteLLM (and so agents-gateway) reads.
        apiKey: google?.apiKey || env.GOOGLE_GENERATIVE_AI_API_KEY || env.GEMINI_API_KEY,
        ...(google?.baseUrl ? { baseURL: google.baseUrl } : {}),
        ...(google?.headers ? { headers: google.headers } : {}),
      })
      return (name) => provider(name)
    }),
  )
  factories.set('mock', (name) => createMockModel(name))
  for (const [providerName, settings] of Object.entries(compatible)) {
    factories.set(
      providerName,
      lazy(() => {
        const provider = createOpenAICompatible({
          name: providerName,
          baseURL: settings.baseUrl,
          ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
          ...(settings.headers ? { headers: settings.headers } : {}),
          includeUsage: true,
        })
        return (name) => provider.chatModel(name)
      }),
    )
  }

  const providers = new Set(factories.keys())
  const understand = (id: string) => toModelId(id, { providers })

  const check = (id: string): string | null => {
    if (custom.has(id)) return null
    const resolution = understand(id)
    return resolution.ok ? null : resolution.reason
  }

  const canonical = (id: string): string => {
    if (custom.has(id)) return id
    const resolution = understand(id)
    return resolution.ok ? resolution.id : id
  }

  return {
    check,
    canonical,
    resolve(id) {
      const cached = cache.get(id) ?? custom.get(id)
      if (cached) return cached
      const resolution = understand(id)
      if (!resolution.ok) throw new ModelResolutionError(resolution.reason)
      // A model registered as `openai:gpt-4o` also serves `gpt-4o` and `openai/gpt-4o`.
      const registered = custom.get(resolution.id)
      if (registered) return registered
      const separator = resolution.id.indexOf(':')
      const factory = factories.get(resolution.id.slice(0, separator)) as (name: string) => LanguageModelV4
      const model = factory(resolution.id.slice(separator + 1))
      cache.set(id, model)
      return model
    },
  }
}
