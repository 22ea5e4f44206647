import { describe, expect, it } from 'vitest'
import { toModelId } from './to-model-id.ts'

const providers = new Set(['openai', 'anthropic', 'google', 'mock', 'ollama', 'vllm', 'openrouter'])
const resolve = (id: string) => toModelId(id, { providers })

describe('toModelId', () => {
  it.each([
    ['openai:gpt-4o-mini', 'openai:gpt-4o-mini'],
    ['mock:echo', 'mock:echo'],
    ['ollama:llama3.2:1b', 'ollama:llama3.2:1b'],
    ['openrouter:anthropic/claude-3.5-sonnet', 'openrouter:anthropic/claude-3.5-sonnet'],
  ])('keeps the native id %s', (written, id) => {
    expect(resolve(written)).toEqual({ ok: true, id, alias: false })
  })

  it.each([
    ['gpt-4o-mini', 'openai:gpt-4o-mini'],
    ['o3-mini', 'openai:o3-mini'],
    ['o1', 'openai:o1'],
    ['chatgpt-4o-latest', 'openai:chatgpt-4o-latest'],
    ['ft:gpt-4o-mini-2024-07-18:acme::abc123', 'openai:ft:gpt-4o-mini-2024-07-18:acme::abc123'],
    ['claude-sonnet-4-5', 'anthropic:claude-sonnet-4-5'],
    ['openai/gpt-4o', 'openai:gpt-4o'],
    ['anthropic/claude-haiku-4-5', 'anthropic:claude-haiku-4-5'],
    ['gemini/gemini-2.0-flash', 'google:gemini-2.0-flash'],
    ['ollama/llama3.2:1b', 'ollama:llama3.2:1b'],
    ['ollama_chat/llama3.2', 'ollama:llama3.2'],
    ['hosted_vllm/meta-llama/Llama-3-8B', 'vllm:meta-llama/Llama-3-8B'],
    ['openrouter/anthropic/claude-3.5-sonnet', 'openrouter:anthropic/claude-3.5-sonnet'],
  ])('reads the LiteLLM id %s as %s', (written, id) => {
    expect(resolve(written)).toEqual({ ok: true, id, alias: true })
  })

  it('names the configuration an unknown LiteLLM provider needs', () => {
    const result = resolve('bedrock/anthropic.claude-v2')
    expect(result.ok).toBe(false)
    expect(!result.ok && result.reason).toMatch(
      /unknown model provider "bedrock" in "bedrock\/anthropic.claude-v2" \(known: .*add model\.providers\.openai_compatible\.bedrock\.base_url/,
    )
    const lmStudio = resolve('lm_studio/qwen')
    expect(!lmStudio.ok && lmStudio.reason).toContain('"lm_studio" (lmstudio)')
  })

  it('refuses ids without a provider, with a hint for bare Gemini names', () => {
    const bare = resolve('llama3')
    expect(!bare.ok && bare.reason).toMatch(/model "llama3" names no provider/)
    const gemini = resolve('gemini-2.0-flash')
    expect(!gemini.ok && gemini.reason).toContain('write gemini/gemini-2.0-flash or google:gemini-2.0-flash')
  })

  it('refuses empty parts', () => {
    for (const id of ['', ':x', 'openai:', '/x', 'openai/']) expect(resolve(id).ok).toBe(false)
  })
})
