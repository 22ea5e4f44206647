/** agentgw/next — serve the gateway from a Next.js (App Router) optional catch-all route. */

export type { FetchGateway } from './adapters/hosts/gateway-like.ts'
export {
  type NextHandlers,
  type NextHandlersOptions,
  type NextRouteHandler,
  toNextHandlers,
} from './adapters/hosts/next.ts'
