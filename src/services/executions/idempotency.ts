import { createHash } from 'node:crypto'
import { ownerIdOf, type Viewer } from '../../core/authorization.ts'
import { GatewayError } from '../../core/errors.ts'
import { type ExecutionResult, emptyUsage } from '../../core/execution-types.ts'
import type { ExecutionRecord } from '../../core/ports/execution-store.ts'
import type { IdempotencyStore } from '../../core/ports/idempotency-store.ts'
import type { RunOutcome } from '../agent-runner.ts'
import { newExecutionId } from '../agent-runner.ts'

/** What a claimed key means for the request that carries it. */
export type IdempotencyClaim =
  /** The key is new: run the request as the execution `executionId`. */
  | { kind: 'fresh'; executionId: string }
  /** The same request used the key before: answer with the execution it started. */
  | { kind: 'replay'; executionId: string }

/**
 * `Idempotency-Key` semantics (IETF httpapi idempotency-key draft) for anything that starts an
 * execution: the HTTP invoke, chat and async routes, and other entry points that have a request
 * id of their own (an OpenAI-compatible or MCP request id) — they call `claim` with it.
 */
export interface IdempotencyService {
  /** How long a key is remembered after its first use (ms). */
  readonly windowMs: number
  /**
   * Claims `key` for the viewer (keys are scoped per principal) and the request it carries
   * (`request`: any JSON describing what to run — the route, the agent and the body). `fresh`
   * the first time; `replay` when the same request reuses the key within the window. A key
   * reused with another request is `idempotency_key_reused` (422); a malformed key (empty,
   * over 255 characters, not printable ASCII) is `bad_request` (400).
   */
  claim(input: {
    viewer: Viewer
    key: string
    request: unknown
    /**
     * Whether the execution a key stands for may give the key up to a new run — e.g. a
     * synchronous run cancelled because its client disconnected, which the client's retry must
     * not be answered with. The takeover is atomic: of concurrent retries one runs.
     */
    reusable?: ((executionId: string) => Promise<boolean>) | undefined
  }): Promise<IdempotencyClaim>
}

const keyPattern = /^[\x20-\x7e]{1,255}$/
const pruneEveryMs = 10 * 60_000

/** JSON with object keys sorted, so two spellings of one request digest alike. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableJson(item)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

export function createIdempotencyService(options: {
  store: IdempotencyStore
  windowMs: number
  now?: () => number
}): IdempotencyService {
  const { store, windowMs } = options
  const now = options.now ?? Date.now
  let lastPrune = 0
  return {
    windowMs,
    async claim({ viewer, key, request, reusable }) {
      if (!keyPattern.test(key)) {
        throw new GatewayError('bad_request', {
          message: 'Idempotency-Key must be 1 to 255 printable ASCII characters.',
        })
      }
      const at = now()
      if (at - lastPrune > pruneEveryMs) {
        lastPrune = at
        await store.deleteExpired(at).catch(() => 0)
      }
      const scope = ownerIdOf(viewer) ?? `(${viewer.kind})`
      const fingerprint = createHash('sha256').update(stableJson(request)).digest('hex')
      const executionId = newExecutionId()
      const record = { scope, key, fingerprint, executionId, createdAt: at, expiresAt: at + windowMs }
      let held = await store.claim(record, at)
      if (held.executionId === executionId) return { kind: 'fresh', executionId }
      if (held.fingerprint === fingerprint && (await reusable?.(held.executionId))) {
        // Claimed "as of" the held record's expiry, it counts as expired and is replaced — unless
        // a concurrent retry replaced it first (its record then expires later).
        held = await store.claim(record, held.expiresAt)
        if (held.executionId === executionId) return { kind: 'fresh', executionId }
      }
      if (held.fingerprint !== fingerprint) {
        throw new GatewayError('idempotency_key_reused', {
          message: 'This Idempotency-Key was already used with a different request; use a new key.',
        })
      }
      return { kind: 'replay', executionId: held.executionId }
    },
  }
}

/** The outcome a finished execution had, rebuilt from its record (for a replayed request). */
export function outcomeOfRecord(record: ExecutionRecord): RunOutcome {
  const result: ExecutionResult = {
    output: record.result?.output ?? null,
    rawText: record.result?.rawText ?? '',
    stopReason: (record.result?.stopReason ?? 'error') as ExecutionResult['stopReason'],
    usage: record.usage ?? emptyUsage(),
    error: record.error,
    validationErrors: (record.result?.validationErrors ?? null) as ExecutionResult['validationErrors'],
    durationMs: record.completedAt && record.startedAt ? record.completedAt - record.startedAt : 0,
  }
  return { executionId: record.id, agentId: record.agentId, status: record.status, result }
}
