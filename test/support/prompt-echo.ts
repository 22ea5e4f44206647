import type { FakeRequest, FakeResponseSpec } from '../../src/testing/index.ts'

/** The system prompt a fake OpenAI server received, as text. */
export function systemPromptOf(request: FakeRequest): string {
  const system = request.body?.messages?.find((message) => message.role === 'system')
  const content = system?.content
  if (typeof content === 'string') return content
  if (Array.isArray(content))
    return content
      .map((part) => (typeof part === 'object' && part && 'text' in part ? String(part.text) : ''))
      .join('')
  return ''
}

/** A fake-server reply that answers with the system prompt it was sent. */
export const echoSystemPrompt = (request: FakeRequest): FakeResponseSpec => ({
  kind: 'text',
  text: `system: ${systemPromptOf(request)}`,
})
