import type { Server } from 'node:http'
import type { GatewayConfigInput } from './core/config/schema.ts'
import type { Logger } from './core/logger.ts'
import type { Scope } from './core/scopes.ts'
import type { RouteIdentity } from './http/route-table.ts'
import type { ChatOptions, InvokeOptions } from './services/agent-runner.ts'

/**
 * Options of `new Gateway()`: the sections of gateway.yaml (camelCase), plus where things are.
 * Where the YAML names a backend, an instance may stand instead (see `GatewayConfigInput`).
 */
export interface GatewayOptions extends GatewayConfigInput {
  /** The workspace folder. @default './workspace' */
  workspace?: string
  /**
   * Path of the YAML config, or `false` for none.
   * @default '<workspace>/gateway.yaml' when it exists
   */
  configFile?: string | false
  /** Environment for `${VAR}` and `AGW_*` overrides. @default process.env */
  env?: Readonly<Record<string, string | undefined>>
  /** A pino-compatible logger. @default JSON lines on stdout at `telemetry.log_level` */
  logger?: Logger
}

/** Options of `gw.listen()`. */
export interface ListenOptions {
  /** @default server.port (8000) */
  port?: number
  /** @default server.host (127.0.0.1) */
  host?: string
}

/** A gateway serving on its own HTTP server, as `gw.listen()` returns it. */
export interface ListeningGateway {
  /** The `node:http` server. */
  server: Server
  /** The port it listens on (the one the OS picked when `port: 0` was asked). */
  port: number
  /** `http://host:port` */
  url: string
  /** Stops accepting connections, drains the gateway and closes the server. */
  close(): Promise<void>
}

/** A custom route's identity and place; see `gw.route()`. */
export interface CustomRouteOptions extends Partial<Pick<RouteIdentity, 'surface' | 'public'>> {
  /** Stable id for `auth.public_routes` and logs, e.g. `reports.daily`. */
  id: string
  /** HTTP method, any case, e.g. `GET`. */
  method: string
  /** Hono path syntax, without the mount prefix, e.g. `/reports/:id`. */
  path: string
  /** @default [] (any authenticated caller) */
  scopes?: Scope[]
}

/** One API key of `gw.useApiKeys()`: the `auth.api_keys` entries of gateway.yaml. */
export interface ApiKeyOptions {
  /** Shown in logs and as the caller's name; the principal id is `key:<name>`. */
  name: string
  /** The key itself (at least 16 characters); give exactly one of `key` and `keyHash`. */
  key?: string
  /** `sha256:<hex>` of the key, so the key never has to be in memory. */
  keyHash?: string
  /** What the key may do; `['*']` grants everything. @default ['*'] */
  scopes?: Scope[] | ['*']
}

/** Options of `gw.useOAuth2()`: the `auth.oauth2` section of gateway.yaml. */
export interface OAuth2Options {
  /** The issuer URL; its discovery document names the JWKS unless `jwksUri` is given. */
  issuer: string
  /** Accepted `aud` values. */
  audience?: string | string[]
  /** Where the signing keys are. @default from the issuer's discovery document */
  jwksUri?: string
  /** Accepted signing algorithms (asymmetric only). @default ['RS256', 'ES256'] */
  algorithms?: string[]
  /** The claim holding the scopes, space-separated or a list. @default 'scope' */
  scopeClaim?: string
  /** Tolerated clock difference for `exp`/`nbf`. @default 30 */
  clockSkewSeconds?: number
  /** Client id offered to the docs UI's OAuth2 login. */
  docsClientId?: string
}

/** Options of `gw.stream()`. */
export interface StreamOptions extends ChatOptions, InvokeOptions {
  /** `chat` keeps a session; `invoke` is a one-off run. @default 'chat' */
  mode?: 'chat' | 'invoke'
}
