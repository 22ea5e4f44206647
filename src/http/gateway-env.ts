import type { Viewer } from '../core/authorization.ts'
import type { GatewayBindings } from '../core/gateway-bindings.ts'
import type { Principal } from '../core/principal.ts'
import type { RequestOrigin } from '../core/url/request-origin.ts'
import type { GatewayRuntime } from '../services/gateway-runtime.ts'
import type { RouteEntry } from './route-table.ts'

/** What the gateway's middleware sets on each request, read in handlers with `c.get(name)`. */
export interface GatewayVariables {
  /**
   * The started gateway's services.
   *
   * @internal
   */
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
   * Who asks for owned resources (executions, sessions…): the principal, or the unauthenticated
   * viewer. Hand it to the services, which decide what it may see (see `core/authorization.ts`).
   */
  viewer: Viewer
}

/** Hono's `Env` of the gateway's app: custom route handlers are `Handler<GatewayEnv>`. */
export interface GatewayEnv {
  Bindings: GatewayBindings
  Variables: GatewayVariables
}
