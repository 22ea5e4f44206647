/**
 * Fire-and-forget messages between gateway instances: live execution updates and cancel
 * requests. Delivery is best effort — **at most once, no history**: a subscriber that is not
 * connected when a message is published misses it. Anything that must not be lost is also in
 * storage, and subscribers re-read storage after a wake-up (and poll), so a lost message delays
 * an update but never loses it.
 *
 * Instances that share a backend (the same Redis, the same Postgres database, the same memory
 * hub) see each other's messages; instances on different backends never do.
 */
export interface EventBus {
  /**
   * Sends `message` to every subscriber of `channel` on every instance sharing the backend,
   * this one included. The message is JSON: subscribers get a parsed copy, never the object
   * passed here. Messages from one publisher on one channel arrive in the order they were
   * published. Rejects when the backend cannot take the message (e.g. disconnected, or over a
   * size limit); it does not retry.
   *
   * Channels are exact strings: names differing only in case or punctuation are different
   * channels.
   */
  publish(channel: string, message: Record<string, unknown>): Promise<void>
  /**
   * Calls `handler` for each message on `channel` until unsubscribed. Resolves once the
   * subscription is live: a message published after that (from any instance) reaches it.
   * A handler that throws is logged and does not disturb other subscribers. Returns a function
   * that unsubscribes; calling it again is a no-op.
   */
  subscribe(
    channel: string,
    handler: (message: Record<string, unknown>) => void,
  ): Promise<() => Promise<void>>
  /** Drops every subscription of this instance and releases its connections. */
  close(): Promise<void>
}
