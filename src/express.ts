/**
 * agentgw/express — mount the gateway into an Express app, and tie its lifecycle to the
 * app's server.
 */

export { type ExpressHandler, expressHandler, toExpressHandler } from './adapters/hosts/express.ts'
export type { FetchGateway, LifecycleGateway } from './adapters/hosts/gateway-like.ts'
export { attachGatewayToServer } from './adapters/hosts/node.ts'
