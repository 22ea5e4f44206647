import {
  APICallError,
  type LanguageModelV4,
  type LanguageModelV4CallOptions,
  type LanguageModelV4StreamPart,
} from '@ai-sdk/provider'

/** One scripted model answer. */
export type ScriptedStep =
  | { text: string; delayMs?: number }
  | {
      toolCalls: { name: string; arguments: Record<string, unknown> | string; id?: string }[]
      delayMs?: number
    }
  | { error: { status: number; message?: string; headers?: Record<string, string> } }
  | { hang: true }

/** A language model that plays back scripted steps, one per call, and records each call. */
export interface ScriptedModel extends LanguageModelV4 {
  /** The call options of every call so far, in order. */
  readonly calls: LanguageModelV4CallOptions[]
}

function abortError(): Error {
  const error = new Error('The operation was aborted.')
  error.name = 'AbortError'
  return error
}

function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError())
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer)
        reject(abortError())
      },
      { once: true },
    )
  })
}

/**
 * A language model that answers from a script, for tests: an array of steps consumed in order
 * (the last one repeats), or a function of the call. Register it with `gw.useModel('test:x', model)`.
 */
export function createScriptedModel(
  script: ScriptedStep[] | ((call: LanguageModelV4CallOptions, index: number) => ScriptedStep),
): ScriptedModel {
  const calls: LanguageModelV4CallOptions[] = []
  const next = (call: LanguageModelV4CallOptions): ScriptedStep => {
    calls.push(call)
    const index = calls.length - 1
    if (typeof script === 'function') return script(call, index)
    const step = script[Math.min(index, script.length - 1)]
    if (!step) throw new Error('the script is empty')
    return step
  }
  const model: ScriptedModel = {
    specificationVersion: 'v4',
    provider: 'scripted',
    modelId: 'scripted',
    supportedUrls: {},
    calls,
    async doGenerate() {
      throw new Error('the scripted model only streams')
    },
    async doStream(call) {
      const step = next(call)
      if ('error' in step) {
        throw new APICallError({
          message: step.error.message ?? `scripted failure ${step.error.status}`,
          url: 'scripted://model',
          requestBodyValues: {},
          statusCode: step.error.status,
          ...(step.error.headers ? { responseHeaders: step.error.headers } : {}),
        })
      }
      const index = calls.length
      const stream = new ReadableStream<LanguageModelV4StreamPart>({
        async start(controller) {
          try {
            controller.enqueue({ type: 'stream-start', warnings: [] })
            if ('hang' in step) {
              await wait(2 ** 31 - 1, call.abortSignal)
              return
            }
            if (step.delayMs) await wait(step.delayMs, call.abortSignal)
            if ('text' in step) {
              controller.enqueue({ type: 'text-start', id: 't' })
              for (const piece of step.text.match(/\S+\s*|\s+/g) ?? []) {
                controller.enqueue({ type: 'text-delta', id: 't', delta: piece })
              }
              controller.enqueue({ type: 'text-end', id: 't' })
            } else {
              step.toolCalls.forEach((toolCall, position) => {
                controller.enqueue({
                  type: 'tool-call',
                  toolCallId: toolCall.id ?? `call_${index}_${position}`,
                  toolName: toolCall.name,
                  input:
                    typeof toolCall.arguments === 'string'
                      ? toolCall.arguments
                      : JSON.stringify(toolCall.arguments),
                })
              })
            }
            controller.enqueue({
              type: 'finish',
              finishReason: { unified: 'text' in step ? 'stop' : 'tool-calls', raw: undefined },
              usage: {
                inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 },
                outputTokens: { total: 5, text: 5, reasoning: 0 },
              },
            })
            controller.close()
          } catch (error) {
            controller.error(error)
          }
        },
      })
      return { stream }
    },
  }
  return model
}
