/** The bus channel on which MCP cancellations reach whichever instance runs the call. */
export const mcpCancelChannel = 'mcp:cancel'

/**
 * The MCP tool calls running in this process, by caller key, so a `notifications/cancelled`
 * that arrives as a separate request — on any instance, through the event bus — aborts the run.
 * A cache of live runs only: a call whose process died has no run left to cancel.
 */
export interface McpCallRegistry {
  /** Registers a running call; `signal` aborts when it is cancelled. Call `done()` when it ends. */
  track(key: string): { signal: AbortSignal; done(): void }
  /** Aborts the calls under `key` in this process; unknown keys are ignored. */
  cancel(key: string): void
}

/**
 * The key of a call: who calls, on which MCP session (the correlation id the gateway hands out
 * at `initialize`, see the route) and with which JSON-RPC request id.
 */
export function mcpCallKey(principalId: string, sessionId: string, requestId: string | number): string {
  return JSON.stringify([principalId, sessionId, requestId])
}

export function createMcpCallRegistry(): McpCallRegistry {
  const running = new Map<string, Set<AbortController>>()
  return {
    track(key) {
      const controller = new AbortController()
      let calls = running.get(key)
      if (!calls) {
        calls = new Set()
        running.set(key, calls)
      }
      calls.add(controller)
      return {
        signal: controller.signal,
        done() {
          calls.delete(controller)
          if (calls.size === 0 && running.get(key) === calls) running.delete(key)
        },
      }
    },
    cancel(key) {
      for (const controller of running.get(key) ?? [])
        controller.abort(new Error('cancelled by the MCP client'))
    },
  }
}
