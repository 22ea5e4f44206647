/**
 * agentgw/hono — serve the gateway from a Hono host app. For a prefix, `gw.mountTo(app, '/ai')`
 * (on the gateway itself) is enough; `toHonoApp` is for the root and for composing by hand.
 */

export type { FetchGateway } from './adapters/hosts/gateway-like.ts'
export { toHonoApp } from './adapters/hosts/hono.ts'
