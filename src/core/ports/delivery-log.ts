/** Where a notification goes. */
export type DeliveryChannel = 'webhook' | 'slack'

/**
 * `pending`: waiting for its next attempt. `delivered`: the receiver accepted it (2xx; Slack
 * `ok: true`). `dead`: every allowed attempt failed, or the target was refused (SSRF guard, bad
 * configuration); only a redelivery sends it again.
 */
export type DeliveryStatus = 'pending' | 'delivered' | 'dead'

/** One notification to one target: what is sent, and where it stands. */
export interface DeliveryRecord {
  /** Unique; for webhooks also the `webhook-id` header, the same on every attempt and redelivery. */
  id: string
  executionId: string
  agentId: string
  /** The owner of the execution it reports on; the delivery belongs to them. */
  principalId: string | null
  /** e.g. `execution.completed`. */
  event: string
  channel: DeliveryChannel
  /** The named endpoint, the inline URL (without query) or the Slack channel. */
  target: string
  /** The body as sent: the same bytes on every attempt. */
  body: string
  status: DeliveryStatus
  /** Attempts made so far. */
  attempts: number
  /** The attempt after which the delivery is dead unless it succeeds (grows on redelivery). */
  lastAllowedAttempt: number
  lastStatusCode: number | null
  lastError: string | null
  /** When the next attempt is due (epoch ms); `null` unless `pending` after a failure. */
  nextAttemptAt: number | null
  createdAt: number
  updatedAt: number
  deliveredAt: number | null
}

/** One attempt of a delivery. */
export interface DeliveryAttemptRecord {
  deliveryId: string
  /** 1, 2, 3… over the delivery's whole life, redeliveries included. */
  attempt: number
  /** The HTTP status the receiver answered, `null` when there was no answer. */
  statusCode: number | null
  /** Time to the answer (or the failure), ms. */
  latencyMs: number
  error: string | null
  at: number
}

/** Which deliveries `list()` returns, newest first. */
export interface DeliveryFilter {
  status?: DeliveryStatus | undefined
  agentId?: string | undefined
  channel?: DeliveryChannel | undefined
  executionId?: string | undefined
  event?: string | undefined
  /** Only deliveries of this owner; `undefined` for all, `null` for the unowned. */
  principalId?: string | null | undefined
  limit: number
  offset: number
}

/** What an attempt changed: recorded with the attempt in one step. */
export interface AttemptOutcome {
  attempt: DeliveryAttemptRecord
  status: DeliveryStatus
  nextAttemptAt: number | null
}

/**
 * The delivery log: every notification the gateway sends, each attempt, and where it stands.
 * Shared by every instance; times are passed in by the caller.
 */
export interface DeliveryLog {
  /**
   * Stores a new delivery. Resolves `false`, changing nothing, when the id exists — so a
   * notification planned twice (a retried emit) is logged and sent once.
   */
  create(record: DeliveryRecord): Promise<boolean>
  get(id: string): Promise<DeliveryRecord | undefined>
  /** A page of deliveries matching every given filter, newest first, and how many match in all. */
  list(filter: DeliveryFilter): Promise<{ items: DeliveryRecord[]; total: number }>
  /**
   * Records attempt `outcome.attempt.attempt` and moves the delivery to `outcome.status`, only
   * when it is `pending` with exactly `attempt - 1` attempts made: resolves `false`, changing
   * nothing, otherwise — so a queue's duplicate delivery of one attempt is recorded once.
   */
  recordAttempt(id: string, outcome: AttemptOutcome): Promise<boolean>
  /** The delivery's attempts, oldest first; `[]` for an unknown id. */
  listAttempts(id: string): Promise<DeliveryAttemptRecord[]>
  /**
   * A `dead` or `delivered` delivery becomes `pending` again with `allowedAttempts` more
   * attempts, keeping its id and body. Resolves the updated record, or `undefined`, changing
   * nothing, when it is missing or already `pending`.
   */
  reopen(id: string, allowedAttempts: number, at: number): Promise<DeliveryRecord | undefined>
}
