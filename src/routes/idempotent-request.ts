import { z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { GatewayError } from '../core/errors.ts'
import { terminalStatuses } from '../core/execution-types.ts'
import type { ExecutionRecord } from '../core/ports/execution-store.ts'
import type { GatewayEnv } from '../http/gateway-env.ts'
import { toChatBody, toRunBody } from '../http/run-wire.ts'
import { absoluteUrl, url } from '../http/url.ts'
import { type IdempotencyClaim, outcomeOfRecord } from '../services/executions/idempotency.ts'

/** The `Idempotency-Key` request header, as the routes that start executions declare it. */
export const IdempotencyKeyHeaders = z.object({
  'idempotency-key': z.string().optional().openapi({
    description:
      'Makes the request safe to retry: the same key with the same body answers with the execution the first request started (its result, or its 202); another body is 422 `idempotency_key_reused`. Keys are per principal and kept for `persistence.idempotency_window_seconds`.',
  }),
})

/** How long a replayed synchronous request waits for the original run to finish. */
const replayWaitMs = 10 * 60_000
const replayPollMs = 200

/** Claims the request's `Idempotency-Key`, when it has one. */
export async function claimIdempotencyKey(
  c: Context<GatewayEnv>,
  request: unknown,
): Promise<IdempotencyClaim | undefined> {
  const key = c.req.header('idempotency-key')
  if (key === undefined) return undefined
  const runtime = c.get('runtime')
  return runtime.idempotency.claim({
    viewer: c.var.viewer,
    key,
    request,
    // A synchronous run its client walked away from (cancelled with the connection, not by a
    // cancel request) is not what the client's retry wants back: the retry runs again.
    // Keys are per principal, so the execution is the caller's own; read it through the policy.
    reusable: async (executionId) => {
      const record = await runtime.executions.getVisible(executionId, c.var.viewer).catch(() => undefined)
      return record?.status === 'cancelled' && !record.options.queued && record.cancelRequestedAt === null
    },
  })
}

/** The 202 body of a queued execution (first answer and replays alike). */
export function queuedResponse(c: Context<GatewayEnv>, record: Pick<ExecutionRecord, 'id' | 'agentId'>) {
  c.header('Location', absoluteUrl(c, `/v1/executions/${record.id}`))
  return c.json(
    {
      execution_id: record.id,
      agent_id: record.agentId,
      status: 'queued' as const,
      poll_url: url(c, `/v1/executions/${record.id}`),
      events_url: url(c, `/v1/executions/${record.id}/events`),
    },
    202,
  )
}

/**
 * The answer to a retried request: the original execution's 202 when it was queued, otherwise
 * its result once it finished (waiting for it while it runs). A retried stream whose run is still
 * going is `idempotency_key_in_use` (409): follow its `events_url` instead.
 */
export async function replayResponse(
  c: Context<GatewayEnv>,
  executionId: string,
  mode: { kind: 'invoke' | 'chat'; queued: boolean; stream: boolean },
): Promise<Response> {
  const runtime = c.get('runtime')
  const viewer = c.var.viewer
  let record = await runtime.executions.getVisible(executionId, viewer)
  if (mode.queued || record.options.queued) return queuedResponse(c, record)
  const deadline = Date.now() + replayWaitMs
  while (!terminalStatuses.includes(record.status)) {
    if (mode.stream || Date.now() > deadline || c.req.raw.signal.aborted) {
      throw new GatewayError('idempotency_key_in_use', {
        message: `The request with this Idempotency-Key is still running as execution ${executionId}; follow ${url(c, `/v1/executions/${executionId}/events`)}.`,
        executionId,
      })
    }
    await new Promise((resolve) => setTimeout(resolve, replayPollMs))
    record = await runtime.executions.getVisible(executionId, viewer)
  }
  const outcome = outcomeOfRecord(record)
  c.header('Idempotent-Replayed', 'true')
  if (mode.kind === 'invoke') return c.json(toRunBody(outcome), 200)
  const sessionId = record.sessionId ?? ''
  const session = sessionId ? await runtime.sessions.findVisible(sessionId, viewer) : undefined
  return c.json(toChatBody({ ...outcome, sessionId, turnCount: session?.turnCount ?? 0 }), 200)
}
