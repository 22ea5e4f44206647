import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import type { LanguageModelV4 } from '@ai-sdk/provider'
import type { Handler } from 'hono'
import { type AnyHono, mountToHono } from './adapters/hosts/hono.ts'
import { toNodeHandler } from './adapters/hosts/node.ts'
import { systemViewer, toViewer, type Viewer } from './core/authorization.ts'
import { type BackendInstances, splitBackendInstances } from './core/config/backend-instances.ts'
import { type ProxyHeadersOptions, proxyHeadersConfig } from './core/config/proxy-headers.ts'
import { mergeDeep, resolveConfig } from './core/config/resolve-config.ts'
import type { GatewayConfig, GatewayConfigData, GatewayConfigInput } from './core/config/schema.ts'
import { ConfigError } from './core/errors.ts'
import type { GatewayBindings } from './core/gateway-bindings.ts'
import { createSilentLogger, type Logger } from './core/logger.ts'
import type { MemoryStore } from './core/ports/memory-store.ts'
import { missingMembers } from './core/ports/port-shapes.ts'
import { configuredSecrets } from './core/secrets/configured-secrets.ts'
import { createRedactingLogger } from './core/secrets/redacting-logger.ts'
import { createSecretRedactor } from './core/secrets/secret-redactor.ts'
import type { Diagnostic } from './core/workspace/model.ts'
import { createGatewayApp, type GatewayApp } from './create-gateway-app.ts'
import { type DashboardOptions, toDashboardConfig } from './dashboard/dashboard-options.ts'
import { createHooks, type HookEvent, type HookHandler, type Hooks } from './engine/hooks.ts'
import type { Retriever } from './engine/retrievers/retriever-types.ts'
import type {
  ApiKeyOptions,
  CustomRouteOptions,
  GatewayOptions,
  ListeningGateway,
  ListenOptions,
  OAuth2Options,
  StreamOptions,
} from './gateway-options.ts'
import type { GatewayEnv } from './http/gateway-env.ts'
import { createRouteTable, type RouteTable } from './http/route-table.ts'
import { createLogger } from './runtime/create-logger.ts'
import { createRuntime } from './runtime/create-runtime.ts'
import type {
  AsViewer,
  ChatOptions,
  ChatOutcome,
  InvokeOptions,
  RunOptions,
  RunOutcome,
} from './services/agent-runner.ts'
import type { CustomAuthFunction } from './services/auth/create-authenticator.ts'
import type { GatewayRuntime } from './services/gateway-runtime.ts'
import { type StreamFrame, streamRun } from './services/run-stream.ts'
import { type CodeToolOptions, defineTool } from './tools/define-tool.ts'
import type { RegisteredTool } from './tools/tool-types.ts'
import { readGatewayConfigFile } from './workspace/read-gateway-config-file.ts'

type State = 'idle' | 'starting' | 'started' | 'stopping' | 'stopped'

const optionKeys = new Set(['workspace', 'configFile', 'env', 'logger'])

/**
 * The host's code runs agents as the principal it names, or — without one — as the trusted
 * system viewer (see `core/authorization.ts`).
 */
function asHostCode<Options extends RunOptions>(options: Options): AsViewer<Options> {
  const { principal, ...rest } = options
  const viewer: Viewer = principal ? toViewer(principal) : systemViewer
  return { ...rest, viewer } as AsViewer<Options>
}

/**
 * An agent gateway: a workspace of agents served as a Web-standard app. Use `gw.fetch` with any
 * server, `gw.listen()` standalone, or mount it into a host app under a prefix.
 *
 * @example
 * ```ts
 * const gw = new Gateway({ workspace: './workspace' })
 * await gw.listen({ port: 8000 })
 * ```
 */
export class Gateway {
  /** The inner Hono app. Add custom routes or mount other fetch apps on it. */
  readonly app: GatewayApp
  /** Every route the gateway serves, with its identity (id, scopes, surface). */
  readonly routes: RouteTable
  /** The workspace folder, as an absolute path. */
  readonly workspaceRoot: string

  #env: Readonly<Record<string, string | undefined>>
  #yaml: { text: string; file: string } | undefined
  #overrides: GatewayConfigData
  #backends: BackendInstances = {}
  #customLogger: Logger | undefined
  #codeTools: RegisteredTool[] = []
  #customModels = new Map<string, LanguageModelV4>()
  #customRetrievers = new Map<string, Retriever>()
  #customMemory: MemoryStore | undefined
  #customAuth: CustomAuthFunction | undefined
  #hooks: Hooks = createHooks(() => this.#runtime?.logger ?? this.#customLogger ?? createSilentLogger())
  #state: State = 'idle'
  #starting: Promise<GatewayRuntime> | undefined
  #runtime: GatewayRuntime | undefined
  #stopping: Promise<void> | undefined

  constructor(options: GatewayOptions = {}) {
    this.workspaceRoot = path.resolve(options.workspace ?? './workspace')
    this.#env = options.env ?? process.env
    this.#customLogger = options.logger
    const { data, instances } = splitBackendInstances(
      Object.fromEntries(
        Object.entries(options).filter(([key]) => !optionKeys.has(key)),
      ) as GatewayConfigInput,
    )
    this.#overrides = data
    this.#backends = instances
    this.#yaml = readGatewayConfigFile(options.configFile, this.workspaceRoot)
    // Resolve once now so a broken config fails at construction, not on the first request.
    resolveConfig({ yaml: this.#yaml, env: this.#env, overrides: this.#overrides })
    this.routes = createRouteTable()
    this.app = createGatewayApp({ routes: this.routes, start: () => this.#ensureStarted() })
  }

  /** Handles one request. `bindings` carry what a host knows: mount path and peer address. */
  readonly fetch = (request: Request, bindings?: GatewayBindings): Promise<Response> =>
    Promise.resolve(this.app.fetch(request, bindings ?? {}))

  /** The resolved configuration; available once started. */
  get config(): GatewayConfig {
    return this.#requireRuntime().config
  }

  /**
   * What was wrong with the configuration, the workspace and the tool handlers at start:
   * errors (the item named in `subject` was left out) and warnings. Available once started; the
   * same list `agentgw check` prints.
   *
   * @example
   * ```ts
   * await gw.start()
   * const errors = gw.diagnostics.filter((item) => item.severity === 'error')
   * if (errors.length > 0) throw new Error(errors.map((item) => item.message).join('\n'))
   * ```
   */
  get diagnostics(): readonly Diagnostic[] {
    return this.#requireRuntime().diagnostics
  }

  /**
   * The services of a started gateway (workspace, stores, runner, logger…), for the CLI and
   * the gateway's own tests. Not part of the public API: it changes without notice.
   *
   * @internal
   */
  get internalRuntime(): GatewayRuntime {
    return this.#requireRuntime()
  }

  /** Whether the gateway has started and not been stopped. */
  get started(): boolean {
    return this.#state === 'started'
  }

  /**
   * Registers a tool implemented in code; skills list it by name like a file tool. A code tool
   * replaces a file tool with the same name.
   */
  tool<Args extends Record<string, unknown>>(options: CodeToolOptions<Args>): this {
    this.#assertConfigurable('tool()')
    const tool = defineTool(options)
    this.#codeTools = [...this.#codeTools.filter((existing) => existing.name !== tool.name), tool]
    return this
  }

  /**
   * Adds a custom route with an identity, so auth, scopes and security headers apply to it like
   * to built-in routes. The path is relative to the gateway (no prefix). Add routes before the
   * gateway starts or serves its first request.
   *
   * @example
   * ```ts
   * gw.route({ id: 'reports.daily', method: 'GET', path: '/reports/daily', scopes: ['agents:read'] }, (c) =>
   *   c.json({ ok: true }),
   * )
   * ```
   */
  route(route: CustomRouteOptions, handler: Handler<GatewayEnv>): this {
    this.#assertConfigurable('route()')
    const method = route.method.toUpperCase()
    this.routes.add({
      id: route.id,
      method,
      path: route.path,
      surface: route.surface ?? 'api',
      scopes: route.scopes ?? [],
      ...(route.public ? { public: true } : {}),
    })
    this.app.on(method, route.path, handler)
    return this
  }

  /**
   * Registers a hook. Events: `agent.invoke.before|after`, `tool.execute.before|after`,
   * `llm.call.before|after`, `gateway.startup`, `gateway.shutdown`. A hook that throws is logged
   * and skipped; it never fails a run.
   */
  on<E extends HookEvent>(event: E, handler: HookHandler<E>): this {
    this.#hooks.on(event, handler)
    return this
  }

  /**
   * Makes a language model (any AI SDK `LanguageModelV4`) available under an id, for agents and
   * `model.default` to name. Useful for custom providers and test doubles.
   */
  useModel(id: string, model: LanguageModelV4): this {
    this.#assertConfigurable('useModel()')
    this.#customModels.set(id, model)
    return this
  }

  /**
   * Registers a retriever under a name, for agents to list in `retrievers:`. Before each run its
   * passages for the user's message go into the prompt as a delimited "Retrieved Context"
   * section, and the model can search it with the `use_retriever` tool. The built-in `context`
   * retriever (BM25 over the agent's context files) is always there; registering `context`
   * replaces it.
   *
   * @example
   * ```ts
   * gw.useRetriever('handbook', { retrieve: async (query, { limit }) => search(query, limit) })
   * ```
   */
  useRetriever(name: string, retriever: Retriever): this {
    this.#assertConfigurable('useRetriever()')
    if (typeof retriever?.retrieve !== 'function')
      throw new TypeError(`useRetriever("${name}"): the retriever needs a retrieve(query, context) method`)
    this.#customRetrievers.set(name, retriever)
    return this
  }

  /**
   * Stores agent memories (agents with `memory` enabled) in your own backend instead of the
   * gateway's storage. The store must keep every call scoped by user and agent; check it with
   * `defineMemoryStoreConformance` from `agentgw/testing`.
   *
   * @example
   * ```ts
   * gw.useMemory(myMemoryStore) // { save, recall, list, forget, replace }
   * ```
   */
  useMemory(store: MemoryStore): this {
    this.#assertConfigurable('useMemory()')
    const missing = missingMembers(store, 'MemoryStore')
    if (missing.length > 0) throw new TypeError(`useMemory(): the store lacks ${missing.join(', ')}`)
    this.#customMemory = store
    return this
  }

  /**
   * Runs an agent once and waits for the result.
   *
   * @example
   * ```ts
   * const { result } = await gw.invoke('weather', 'Outlook please', { input: { city: 'Lisbon' } })
   * ```
   */
  async invoke(agentId: string, message: string, options: InvokeOptions = {}): Promise<RunOutcome> {
    const runtime = await this.#ensureStarted()
    return runtime.runner.invoke(agentId, message, asHostCode(options))
  }

  /**
   * Runs one chat turn; pass the returned `sessionId` to continue the conversation. Without
   * `options.principal` the turn is the host's own (unowned, and it may continue any session);
   * with one, it runs as that principal and continues only sessions that principal may change.
   */
  async chat(agentId: string, message: string, options: ChatOptions = {}): Promise<ChatOutcome> {
    const runtime = await this.#ensureStarted()
    return runtime.runner.chat(agentId, message, asHostCode(options))
  }

  /**
   * Streams a run as it happens: `session`, `token`, `tool_call`, `tool_result`, `error`, and
   * always `done` last. Frame data is camelCase like the rest of the JS API (the HTTP API sends
   * the same events as snake_case SSE). Breaking out of the loop cancels the run.
   *
   * @example
   * ```ts
   * for await (const frame of gw.stream('assistant', 'Hi', { sessionId })) {
   *   if (frame.event === 'token') process.stdout.write(frame.data.content)
   * }
   * ```
   */
  async *stream(agentId: string, message: string, options: StreamOptions = {}): AsyncGenerator<StreamFrame> {
    const runtime = await this.#ensureStarted()
    const { mode = 'chat', ...rest } = options
    const runOptions = asHostCode(rest)
    yield* streamRun(
      runtime.runner,
      mode === 'chat'
        ? { kind: 'chat', agentId, message, options: runOptions }
        : { kind: 'invoke', agentId, message, options: runOptions },
    )
  }

  /**
   * Mounts the gateway into a Hono host app under `path` and returns the host. Only routes
   * under the prefix are added to the host; the prefix of each request is worked out when it
   * arrives, so nesting the host (`parent.route('/x', host)`, `basePath()`) keeps links right.
   * Other hosts: `agentgw/node`, `agentgw/express`, `agentgw/fastify`, `agentgw/next`.
   *
   * @throws ConfigError for `""` or `/`, or once the gateway has started.
   * @example
   * ```ts
   * const app = new Hono()
   * app.get('/', (c) => c.json({ message: 'Main application' }))
   * gw.mountTo(app, '/ai') // the gateway answers under /ai
   * ```
   */
  mountTo<Host extends AnyHono>(host: Host, path: string): Host {
    this.#assertConfigurable('mountTo()')
    return mountToHono(this, host, path)
  }

  /**
   * Trusts `X-Forwarded-*`/`Forwarded` headers from these peers (sets
   * `proxy.forwarded_allow_ips`). From anyone else they are ignored. Before start only.
   *
   * @example
   * ```ts
   * gw.useProxyHeaders({ forwardedAllowIps: ['10.0.0.0/8'] })
   * ```
   */
  useProxyHeaders(options: ProxyHeadersOptions): this {
    this.#assertConfigurable('useProxyHeaders()')
    return this.configure(proxyHeadersConfig(options))
  }

  /**
   * Merges configuration (camelCase, like the YAML) over everything else. Before start only.
   * Backend instances may stand where the YAML names a backend; a later name replaces an
   * earlier instance and vice versa.
   *
   * @example
   * ```ts
   * gw.configure({ queue: { backend: myQueue, workers: 8 } })
   * ```
   */
  configure(config: GatewayConfigInput): this {
    this.#assertConfigurable('configure()')
    const { data, instances, named } = splitBackendInstances(config)
    for (const slot of named) delete this.#backends[slot]
    this.#backends = { ...this.#backends, ...instances }
    this.#overrides = mergeDeep(this.#overrides, data) as GatewayConfigData
    return this
  }

  /**
   * API keys (sets `auth.mode: api_key` unless another mode was chosen). Keys are kept as
   * SHA-256 digests; pass `keyHash: 'sha256:…'` to avoid having the key in memory at all.
   *
   * @example
   * ```ts
   * gw.useApiKeys([{ name: 'ci', key: process.env.CI_KEY!, scopes: ['agents:invoke'] }])
   * ```
   */
  useApiKeys(keys: ApiKeyOptions[]): this {
    this.#assertConfigurable('useApiKeys()')
    return this.configure({ auth: { mode: this.#authModeOr('api_key'), apiKeys: keys } })
  }

  /** JWT access tokens from an OAuth2/OIDC issuer, verified against its JWKS. */
  useOAuth2(options: OAuth2Options): this {
    this.#assertConfigurable('useOAuth2()')
    return this.configure({ auth: { mode: this.#authModeOr('oauth2'), oauth2: options } })
  }

  /**
   * A function that authenticates requests itself (sets `auth.mode: custom` unless `composite`
   * was chosen). Return `{ id, scopes }`, or `null` for a request that is not authenticated.
   */
  useAuth(authenticate: CustomAuthFunction): this {
    this.#assertConfigurable('useAuth()')
    this.#customAuth = authenticate
    return this.configure({ auth: { mode: this.#authModeOr('custom') } })
  }

  #authModeOr(mode: 'api_key' | 'oauth2' | 'custom'): 'api_key' | 'oauth2' | 'custom' | 'composite' {
    const current = this.#overrides.auth?.mode
    return current === 'composite' ? 'composite' : mode
  }

  /**
   * Turns the dashboard on (`dashboard.enabled: true`) with these settings — branding, theme,
   * password and SSO logins, session cookies. Before start only; YAML's `dashboard:` section
   * works the same.
   *
   * @example
   * ```ts
   * gw.useDashboard({
   *   title: 'Acme agents',
   *   authUsername: 'ops',
   *   authPassword: process.env.DASHBOARD_PASSWORD,
   *   adminUsername: 'admin',
   *   adminPassword: process.env.DASHBOARD_ADMIN_PASSWORD,
   * })
   * ```
   */
  useDashboard(options: DashboardOptions = {}): this {
    this.#assertConfigurable('useDashboard()')
    return this.configure({ dashboard: toDashboardConfig(options) })
  }

  /** Loads the workspace and starts background work. Idempotent; concurrent calls share one start. */
  async start(): Promise<void> {
    await this.#ensureStarted()
  }

  /** Stops background work and releases resources. Idempotent. */
  async stop(): Promise<void> {
    if (this.#state === 'idle' || this.#state === 'stopped') {
      this.#state = 'stopped'
      return
    }
    if (!this.#stopping) {
      // Draining starts now, synchronously: the next request already sees it.
      this.#runtime?.drain.begin()
      this.#stopping = (async () => {
        await this.#starting?.catch(() => undefined)
        this.#state = 'stopping'
        if (this.#runtime) {
          await this.#hooks.emit('gateway.shutdown', {})
          await this.#runtime.close(this.#runtime.config.queue.drainTimeoutSeconds * 1000)
        }
        this.#runtime?.logger.info('gateway stopped')
        this.#state = 'stopped'
      })()
    }
    await this.#stopping
  }

  /** Serves the gateway on its own HTTP server (standalone mode). */
  async listen(options: ListenOptions = {}): Promise<ListeningGateway> {
    const runtime = await this.#ensureStarted()
    const port = options.port ?? runtime.config.server.port
    const host = options.host ?? runtime.config.server.host
    const server = createServer(toNodeHandler(this))
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, host, () => {
        server.off('error', reject)
        resolve()
      })
    })
    const address = server.address() as AddressInfo
    const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address
    const url = `http://${shownHost}:${address.port}`
    runtime.logger.info({ url }, 'gateway listening')
    return {
      server,
      port: address.port,
      url,
      close: async () => {
        // Stop accepting connections; idle keep-alive ones close now, busy ones after their
        // response. The gateway drains (in-flight requests and runs finish, or are cancelled
        // after queue.drain_timeout_seconds) before storage closes.
        const closed = new Promise<void>((resolve) => server.close(() => resolve()))
        server.closeIdleConnections()
        await this.stop()
        // Responses of the last runs are being written; then nothing is left to wait for.
        await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1000).unref())])
        server.closeAllConnections()
        await closed
      },
    }
  }

  #assertConfigurable(what: string): void {
    if (this.#state !== 'idle') throw new ConfigError(`${what} must be called before the gateway starts`)
  }

  #requireRuntime(): GatewayRuntime {
    if (!this.#runtime) throw new Error('the gateway has not started; call `await gw.start()` first')
    return this.#runtime
  }

  #ensureStarted(): Promise<GatewayRuntime> {
    if (this.#runtime && this.#state === 'started') return Promise.resolve(this.#runtime)
    // While draining, requests still reach the runtime: health answers `draining`, the rest
    // get `shutting_down`, and in-flight streams keep their runtime.
    if (this.#runtime && this.#state === 'stopping' && this.#runtime.drain.draining)
      return Promise.resolve(this.#runtime)
    if (this.#state === 'stopping' || this.#state === 'stopped') {
      return Promise.reject(new Error('the gateway was stopped'))
    }
    if (!this.#starting) {
      this.#state = 'starting'
      this.#starting = this.#boot().then(
        async (runtime) => {
          this.#runtime = runtime
          this.#state = 'started'
          await this.#hooks.emit('gateway.startup', {})
          return runtime
        },
        (error: unknown) => {
          // Let a later call try again (e.g. the database came up).
          this.#starting = undefined
          this.#state = 'idle'
          throw error
        },
      )
    }
    return this.#starting
  }

  async #boot(): Promise<GatewayRuntime> {
    const { config, warnings } = resolveConfig({
      yaml: this.#yaml,
      env: this.#env,
      overrides: this.#overrides,
    })
    // Every secret the configuration holds is kept out of error messages, traces and logs.
    const redactor = createSecretRedactor(configuredSecrets(config, this.#env))
    const logger = createRedactingLogger(
      this.#customLogger ??
        createLogger({ level: config.telemetry.logLevel, name: config.telemetry.serviceName }),
      redactor,
    )
    try {
      return await createRuntime({
        config,
        configWarnings: warnings,
        backends: this.#backends,
        workspaceRoot: this.workspaceRoot,
        codeTools: this.#codeTools,
        customModels: this.#customModels,
        customRetrievers: this.#customRetrievers,
        customMemory: this.#customMemory,
        customAuth: this.#customAuth,
        hooks: this.#hooks,
        env: this.#env,
        logger,
        redactor,
      })
    } catch (error) {
      logger.error({ err: error }, 'gateway failed to start')
      throw error
    }
  }
}
