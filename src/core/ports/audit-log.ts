/** One entry of the audit log: who did what to which resource. */
export interface AuditEvent {
  /** A dotted name, e.g. `agent.updated`, `dashboard.login`. */
  eventType: string
  /** The principal id that acted, or `null` when unknown. */
  actor: string | null
  resourceType: string | null
  resourceId: string | null
  /** JSON-serializable details. */
  metadata?: Record<string, unknown>
  ipAddress: string | null
}

/**
 * Who did what to which resource, kept for operators. Append-only: an event is never changed
 * or removed through this interface.
 */
export interface AuditLog {
  /**
   * Appends one event, stamped with the time it was recorded (epoch ms; events of the same
   * millisecond have no defined order). **Never rejects**: a backend that cannot write logs the
   * problem and resolves, because recording must never fail the request that caused it.
   * Concurrent records are all kept.
   */
  record(event: AuditEvent): Promise<void>
}
