import type { RequestOrigin } from '../core/url/request-origin.ts'
import type { GatewayRuntime } from '../runtime/gateway-runtime.ts'
import type { Principal } from '../services/agent-runner.ts'
import type { RouteEntry } from './route-table.ts'

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
  /** Set by `@hono/node-server` when the gateway is the server's own fetch handler. */
  incoming?: { socket?: { remoteAddress?: string | undefined } }
}

export interface GatewayVariables {
  runtime: GatewayRuntime
  origin: RequestOrigin
  requestId: string
  /** The matched route's identity; `undefined` for requests that match no route. */
  route: RouteEntry | undefined
  /** Per-request CSP nonce for HTML surfaces. */
  nonce: string
  /** The authenticated caller, when there is one. */
  principal: Principal | undefined
  /**
   * Whose executions and sessions this caller sees: `undefined` for everyone's (admins, open
   * gateways), otherwise one principal id (`null` for anonymous).
   */
  visibility: { principalId: string | null | undefined }
}

export interface GatewayEnv {
  Bindings: GatewayBindings
  Variables: GatewayVariables
}
