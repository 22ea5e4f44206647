/** agentgw/fastify — serve the gateway as a Fastify plugin under the prefix it is registered with. */

export { toFastifyPlugin } from './adapters/hosts/fastify.ts'
export type { LifecycleGateway } from './adapters/hosts/gateway-like.ts'
