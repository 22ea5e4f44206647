/**
 * agentgw — serve AI agents defined in a workspace folder as a REST API, standalone or mounted
 * into any Node web app under a path prefix. This entry point has no side effects.
 */

export type { ProxyHeadersOptions } from './core/config/proxy-headers.ts'
export type { GatewayConfig, GatewayConfigInput } from './core/config/schema.ts'
export { type ErrorCode, errorCodes } from './core/error-codes.ts'
export {
  ConfigError,
  type ConfigIssue,
  type ErrorDetail,
  type ErrorEnvelope,
  GatewayError,
} from './core/errors.ts'
export type { GatewayBindings } from './core/gateway-bindings.ts'
export type { Logger } from './core/logger.ts'
export type { Scope } from './core/scopes.ts'
export type { RequestOrigin } from './core/url/request-origin.ts'
export type { DashboardOptions } from './dashboard/dashboard-options.ts'
export { Gateway, type GatewayOptions, type ListeningGateway, type ListenOptions } from './gateway.ts'
export type { RouteEntry, RouteIdentity, Surface } from './http/route-table.ts'
export { absoluteUrl, url } from './http/url.ts'
export type { CodeToolOptions } from './tools/define-tool.ts'
export type { RegisteredTool, ToolContext, ToolHandler } from './tools/tool-types.ts'
