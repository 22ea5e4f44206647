/**
 * What a host adapter tells the gateway about a request, passed as the second argument of
 * `gw.fetch(request, bindings)`.
 */
export interface GatewayBindings {
  /** Path prefix present in `request.url` that the host mounted the gateway at, e.g. `/ai`. */
  mountPath?: string
  /** The TCP peer address, used for trusted-proxy decisions and as client IP. */
  remoteAddress?: string
  /** Set by `@hono/node-server` when the gateway is the server's own fetch handler. */
  incoming?: { socket?: { remoteAddress?: string | undefined } }
}
