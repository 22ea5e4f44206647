import type { TrailingSlash } from './url/trailing-slash.ts'

/**
 * What a host adapter tells the gateway about a request, passed as the second argument of
 * `gw.fetch(request, bindings)`.
 */
export interface GatewayBindings {
  /** Path prefix present in `request.url` that the host mounted the gateway at, e.g. `/ai`. */
  mountPath?: string
  /** The TCP peer address, used for trusted-proxy decisions and as client IP. */
  remoteAddress?: string
  /**
   * The client's method when the Fetch API cannot carry it (`TRACE`, `TRACK`, `CONNECT`): the
   * adapter then passes the request as a `GET` and the gateway refuses it with 405.
   */
  method?: string
  /**
   * The host's trailing-slash rule when it redirects every path to one form (Next.js
   * `trailingSlash`): the gateway then routes `/x` and `/x/` alike, builds links in that form
   * and never redirects to the other one — which would loop.
   */
  trailingSlash?: TrailingSlash
  /** Set by `@hono/node-server` when the gateway is the server's own fetch handler. */
  incoming?: { socket?: { remoteAddress?: string | undefined } }
}
