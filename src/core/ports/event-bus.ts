/**
 * Fire-and-forget messages between gateway instances: live execution updates and cancel
 * requests. Delivery is best effort (at most once, no history); anything that must not be lost is
 * also stored, and subscribers re-read storage after a wake-up.
 */
export interface EventBus {
  publish(channel: string, message: Record<string, unknown>): Promise<void>
  /** Returns a function that unsubscribes. */
  subscribe(
    channel: string,
    handler: (message: Record<string, unknown>) => void,
  ): Promise<() => Promise<void>>
  close(): Promise<void>
}
