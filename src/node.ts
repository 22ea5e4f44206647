/**
 * agentgw/node — serve the gateway from Node's HTTP stack: a `node:http` request listener that
 * also works as Connect middleware, and a helper tying the gateway's lifecycle to a server.
 */

export type { FetchGateway, LifecycleGateway } from './adapters/hosts/gateway-like.ts'
export {
  attachGatewayToServer,
  type NodeHandler,
  type NodeHandlerOptions,
  toNodeHandler,
} from './adapters/hosts/node.ts'
