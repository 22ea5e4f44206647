export interface AuditEvent {
  eventType: string
  actor: string | null
  resourceType: string | null
  resourceId: string | null
  metadata?: Record<string, unknown>
  ipAddress: string | null
}

/** Who did what to which resource, kept for operators. Recording never fails a request. */
export interface AuditLog {
  record(event: AuditEvent): Promise<void>
}
