import type { LanguageModelV4Prompt } from '@ai-sdk/provider'
import type { ChatMessage } from '../core/execution-types.ts'

/** Converts stored conversation messages into the AI SDK provider prompt format. */
export function toModelPrompt(system: string, messages: readonly ChatMessage[]): LanguageModelV4Prompt {
  const prompt: LanguageModelV4Prompt = [{ role: 'system', content: system }]
  for (const message of messages) {
    if (message.role === 'user') {
      prompt.push({ role: 'user', content: [{ type: 'text', text: message.content }] })
    } else if (message.role === 'assistant') {
      prompt.push({
        role: 'assistant',
        content: [
          ...(message.content ? [{ type: 'text' as const, text: message.content }] : []),
          ...(message.toolCalls ?? []).map((call) => ({
            type: 'tool-call' as const,
            toolCallId: call.id,
            toolName: call.name,
            input: call.arguments,
          })),
        ],
      })
    } else {
      prompt.push({
        role: 'tool',
        content: message.results.map((result) => ({
          type: 'tool-result' as const,
          toolCallId: result.callId,
          toolName: result.name,
          output: result.isError
            ? { type: 'error-text' as const, value: result.content }
            : { type: 'text' as const, value: result.content },
        })),
      })
    }
  }
  return prompt
}
