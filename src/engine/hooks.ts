import type { ExecutionResult } from '../core/execution-types.ts'
import type { Logger } from '../core/logger.ts'

/** Payload of each hook event. */
export interface HookPayloads {
  'agent.invoke.before': { agentId: string; message: string; executionId: string }
  'agent.invoke.after': { agentId: string; executionId: string; result: ExecutionResult; durationMs: number }
  'tool.execute.before': {
    toolName: string
    agentId: string
    executionId: string
    arguments: Record<string, unknown>
  }
  'tool.execute.after': {
    toolName: string
    agentId: string
    executionId: string
    durationMs: number
    success: boolean
  }
  'llm.call.before': { model: string; agentId: string; executionId: string }
  'llm.call.after': {
    model: string
    agentId: string
    executionId: string
    durationMs: number
    inputTokens: number
    outputTokens: number
    error?: string
  }
  'gateway.startup': Record<string, never>
  'gateway.shutdown': Record<string, never>
}

/** The events `gw.on()` accepts. */
export type HookEvent = keyof HookPayloads
/** A hook: it receives the event's payload; what it throws is logged and skipped. */
export type HookHandler<E extends HookEvent> = (payload: HookPayloads[E]) => void | Promise<void>

export const hookEvents: readonly HookEvent[] = [
  'agent.invoke.before',
  'agent.invoke.after',
  'tool.execute.before',
  'tool.execute.after',
  'llm.call.before',
  'llm.call.after',
  'gateway.startup',
  'gateway.shutdown',
]

/** Registered hooks of one gateway. */
export interface Hooks {
  on<E extends HookEvent>(event: E, handler: HookHandler<E>): void
  /** Runs the handlers in registration order; a failing handler is logged and skipped. */
  emit<E extends HookEvent>(event: E, payload: HookPayloads[E]): Promise<void>
  has(event: HookEvent): boolean
}

export function createHooks(getLogger: () => Logger): Hooks {
  const handlers = new Map<HookEvent, HookHandler<HookEvent>[]>()
  return {
    on(event, handler) {
      if (!hookEvents.includes(event))
        throw new Error(`unknown hook event "${event}" (known: ${hookEvents.join(', ')})`)
      handlers.set(event, [...(handlers.get(event) ?? []), handler as HookHandler<HookEvent>])
    },
    has: (event) => (handlers.get(event)?.length ?? 0) > 0,
    async emit(event, payload) {
      for (const handler of handlers.get(event) ?? []) {
        try {
          await handler(payload)
        } catch (error) {
          getLogger().error({ err: error, hook: event }, 'hook failed; continuing')
        }
      }
    },
  }
}
