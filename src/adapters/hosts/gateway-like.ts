import type { GatewayBindings } from '../../core/gateway-bindings.ts'

/**
 * What a host adapter needs from a gateway: its Web-standard fetch handler. A `Gateway`
 * instance satisfies it; adapters take this shape so they never depend on the class itself.
 */
export interface FetchGateway {
  fetch(request: Request, bindings?: GatewayBindings): Promise<Response>
}

/** A gateway whose background work a host starts and stops with itself. */
export interface LifecycleGateway extends FetchGateway {
  start(): Promise<void>
  stop(): Promise<void>
}
