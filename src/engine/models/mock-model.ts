import {
  APICallError,
  type LanguageModelV4,
  type LanguageModelV4CallOptions,
  type LanguageModelV4Content,
  type LanguageModelV4FunctionTool,
  type LanguageModelV4Prompt,
  type LanguageModelV4StreamPart,
  type LanguageModelV4Usage,
} from '@ai-sdk/provider'
import type { JsonSchema } from '../../core/workspace/tool-parameters.ts'
import { type SampleHints, sampleFromSchema } from './sample-from-schema.ts'

/**
 * How the shipped `mock` model behaves, from its id: `mock:<behavior>[?option=value&…]`.
 *
 * Behaviors: `assistant` (calls the tools the message is about, then answers; produces JSON
 * that satisfies a requested schema), `echo` (repeats the message), `loop` (calls a tool on
 * every turn, to exercise guardrails), `fail` (answers with an HTTP error), `hang` (never
 * answers until aborted).
 *
 * Options: `delay_ms` (between streamed tokens), `tokens` (answer exactly this many tokens),
 * `status` (for `fail`, default 500), `fail_times` (fail the first N calls, then behave as
 * `assistant`), `invalid_json_first` (first JSON answer is not valid, to exercise correction).
 */
export interface MockModelOptions {
  behavior: 'assistant' | 'echo' | 'loop' | 'fail' | 'hang'
  delayMs: number
  tokens: number | undefined
  status: number
  failTimes: number | undefined
  invalidJsonFirst: boolean
}

const behaviors = new Set(['assistant', 'echo', 'loop', 'fail', 'hang'])

export function parseMockModelId(id: string): MockModelOptions {
  const [name = 'assistant', query = ''] = id.split('?')
  const params = new URLSearchParams(query)
  const number = (key: string) => {
    const value = params.get(key)
    return value !== null && Number.isFinite(Number(value)) ? Number(value) : undefined
  }
  return {
    behavior: (behaviors.has(name) ? name : 'assistant') as MockModelOptions['behavior'],
    delayMs: number('delay_ms') ?? 0,
    tokens: number('tokens'),
    status: number('status') ?? 500,
    failTimes: number('fail_times'),
    invalidJsonFirst: params.get('invalid_json_first') === '1' || params.get('invalid_json_first') === 'true',
  }
}

type Decision =
  | { kind: 'text'; text: string }
  | { kind: 'tools'; calls: { name: string; input: Record<string, unknown> }[] }
  | { kind: 'error'; status: number }
  | { kind: 'hang' }

const stopWords = new Set([
  'the',
  'and',
  'for',
  'with',
  'from',
  'that',
  'this',
  'tool',
  'workflow',
  'get',
  'run',
  'your',
  'what',
])

function words(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .split(/[^a-zà-ÿ0-9]+/)
      .filter((word) => word.length >= 3 && !stopWords.has(word)),
  )
}

function textOf(message: LanguageModelV4Prompt[number] | undefined): string {
  if (!message || message.role === 'system') return message?.content ?? ''
  return message.content.map((part) => (part.type === 'text' ? part.text : '')).join('')
}

/** Values from an `## Input` JSON block in the user's message, used to fill arguments. */
function inputValues(text: string): Record<string, unknown> {
  const match = /## Input\s*```json\s*([\s\S]*?)```/.exec(text)
  if (!match) return {}
  try {
    const parsed = JSON.parse(match[1] as string) as unknown
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {}
  } catch {
    return {}
  }
}

function chooseTools(tools: LanguageModelV4FunctionTool[], text: string): LanguageModelV4FunctionTool[] {
  const asked = words(text)
  const scored = tools.map((tool) => {
    const about = words(`${tool.name.replace(/[-_]/g, ' ')} ${tool.description ?? ''}`)
    let score = 0
    for (const word of about) if (asked.has(word)) score++
    return { tool, score }
  })
  const best = Math.max(0, ...scored.map((entry) => entry.score))
  // Nothing matches: a real question still goes to the first tool, small talk goes to none.
  if (best === 0) return asked.size >= 3 || text.includes('?') ? tools.slice(0, 1) : []
  return scored.filter((entry) => entry.score === best).map((entry) => entry.tool)
}

function withTokenCount(text: string, tokens: number | undefined): string {
  if (tokens === undefined) return text
  const pieces: string[] = text.match(/\S+\s*/g) ?? []
  const filler = 'and the gateway keeps streaming tokens until the requested length is reached'.split(' ')
  let index = 0
  if (pieces.length > 0 && pieces.length < tokens)
    pieces[pieces.length - 1] = `${(pieces.at(-1) as string).trimEnd()} `
  while (pieces.length < tokens) pieces.push(`${filler[index++ % filler.length]} `)
  return pieces.slice(0, tokens).join('').trimEnd()
}

function summarizeToolResults(prompt: LanguageModelV4Prompt): string {
  const results: string[] = []
  for (let index = prompt.length - 1; index >= 0; index--) {
    const message = prompt[index]
    if (message?.role !== 'tool') break
    for (const part of message.content) {
      if (part.type !== 'tool-result') continue
      const output = part.output
      const value =
        'value' in output
          ? typeof output.value === 'string'
            ? output.value
            : JSON.stringify(output.value)
          : ''
      results.unshift(`${part.toolName}: ${value.length > 240 ? `${value.slice(0, 240)}…` : value}`)
    }
  }
  return `Here is what I found. ${results.join(' | ')}`
}

function usageOf(prompt: LanguageModelV4Prompt, outputTokens: number): LanguageModelV4Usage {
  const promptChars = JSON.stringify(prompt).length
  const inputTokens = Math.ceil(promptChars / 4)
  return {
    inputTokens: { total: inputTokens, noCache: inputTokens, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: outputTokens, text: outputTokens, reasoning: 0 },
  }
}

function abortError(): Error {
  const error = new Error('The operation was aborted.')
  error.name = 'AbortError'
  return error
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError())
    if (ms <= 0) return resolve()
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(abortError())
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/**
 * The shipped offline model: deterministic, streams token by token, calls tools, satisfies
 * output schemas and can fail on purpose. Implements the AI SDK's `LanguageModelV4`, so it runs
 * through exactly the same engine path as a real provider.
 */
export function createMockModel(id: string): LanguageModelV4 {
  const options = parseMockModelId(id)
  let calls = 0
  let jsonAnswers = 0

  const decide = (call: LanguageModelV4CallOptions): Decision => {
    calls++
    if (options.behavior === 'hang') return { kind: 'hang' }
    if (options.behavior === 'fail' && (options.failTimes === undefined || calls <= options.failTimes)) {
      return { kind: 'error', status: options.status }
    }
    const prompt = call.prompt
    const last = prompt[prompt.length - 1]
    const lastUser = [...prompt].reverse().find((message) => message.role === 'user')
    const text = textOf(lastUser)
    const hints: SampleHints = {
      text: text.replace(/## (?:Input|Data)[\s\S]*$/, '').trim(),
      values: inputValues(text),
    }
    const tools = (call.tools ?? []).filter(
      (tool): tool is LanguageModelV4FunctionTool => tool.type === 'function',
    )

    if (options.behavior === 'loop') {
      const tool = tools[0]
      return {
        kind: 'tools',
        calls: [
          {
            name: tool?.name ?? 'missing-tool',
            input: tool
              ? (sampleFromSchema(tool.inputSchema as JsonSchema, hints) as Record<string, unknown>)
              : {},
          },
        ],
      }
    }
    if (options.behavior === 'echo')
      return { kind: 'text', text: withTokenCount(`Echo: ${hints.text}`, options.tokens) }

    const wantsJson = call.responseFormat?.type === 'json'
    const correcting = wantsJson && text.includes('did not match the required JSON Schema')
    const chosen = last?.role === 'user' && !correcting ? chooseTools(tools, hints.text) : []
    if (chosen.length > 0) {
      return {
        kind: 'tools',
        calls: chosen.map((tool) => ({
          name: tool.name,
          input: sampleFromSchema(tool.inputSchema as JsonSchema, hints) as Record<string, unknown>,
        })),
      }
    }
    if (wantsJson) {
      jsonAnswers++
      if (options.invalidJsonFirst && jsonAnswers === 1)
        return { kind: 'text', text: 'Sure! Here is the summary you asked for.' }
      const schema = (call.responseFormat?.type === 'json' ? call.responseFormat.schema : undefined) as
        | JsonSchema
        | undefined
      return {
        kind: 'text',
        text: JSON.stringify(schema ? sampleFromSchema(schema, hints) : { answer: hints.text }),
      }
    }
    if (last?.role === 'tool')
      return { kind: 'text', text: withTokenCount(summarizeToolResults(prompt), options.tokens) }
    const reply = hints.text
      ? `Thanks for your message. You asked: "${hints.text.slice(0, 160)}". This answer comes from the built-in mock model.`
      : 'Hello! This answer comes from the built-in mock model.'
    return { kind: 'text', text: withTokenCount(reply, options.tokens) }
  }

  const fail = (status: number): never => {
    throw new APICallError({
      message: status === 429 ? 'Rate limit reached (mock)' : `Mock model failure (${status})`,
      url: 'mock://model',
      requestBodyValues: {},
      statusCode: status,
      isRetryable: status === 408 || status === 429 || status >= 500,
    })
  }

  return {
    specificationVersion: 'v4',
    provider: 'mock',
    modelId: id,
    supportedUrls: {},
    async doGenerate(call) {
      const decision = decide(call)
      if (decision.kind === 'hang') {
        await sleep(2 ** 31 - 1, call.abortSignal)
        throw abortError()
      }
      if (decision.kind === 'error') return fail(decision.status)
      const content: LanguageModelV4Content[] =
        decision.kind === 'text'
          ? [{ type: 'text', text: decision.text }]
          : decision.calls.map((entry, index) => ({
              type: 'tool-call' as const,
              toolCallId: `call_${calls}_${index}`,
              toolName: entry.name,
              input: JSON.stringify(entry.input),
            }))
      const outputTokens = decision.kind === 'text' ? (decision.text.match(/\S+\s*/g) ?? []).length : 10
      return {
        content,
        finishReason: { unified: decision.kind === 'text' ? 'stop' : 'tool-calls', raw: undefined },
        usage: usageOf(call.prompt, outputTokens),
        warnings: [],
      }
    },
    async doStream(call) {
      const decision = decide(call)
      if (decision.kind === 'error') fail(decision.status)
      const signal = call.abortSignal
      const stream = new ReadableStream<LanguageModelV4StreamPart>({
        async start(controller) {
          try {
            controller.enqueue({ type: 'stream-start', warnings: [] })
            if (decision.kind === 'hang') {
              await sleep(2 ** 31 - 1, signal)
              return
            }
            let outputTokens = 0
            if (decision.kind === 'text') {
              controller.enqueue({ type: 'text-start', id: 't0' })
              for (const piece of decision.text.match(/\S+\s*|\s+/g) ?? []) {
                await sleep(options.delayMs, signal)
                controller.enqueue({ type: 'text-delta', id: 't0', delta: piece })
                outputTokens++
              }
              controller.enqueue({ type: 'text-end', id: 't0' })
            } else if (decision.kind === 'tools') {
              await sleep(options.delayMs, signal)
              decision.calls.forEach((entry, index) => {
                controller.enqueue({
                  type: 'tool-call',
                  toolCallId: `call_${calls}_${index}`,
                  toolName: entry.name,
                  input: JSON.stringify(entry.input),
                })
              })
              outputTokens = 10 * decision.calls.length
            }
            controller.enqueue({
              type: 'finish',
              finishReason: { unified: decision.kind === 'text' ? 'stop' : 'tool-calls', raw: undefined },
              usage: usageOf(call.prompt, outputTokens),
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
}
