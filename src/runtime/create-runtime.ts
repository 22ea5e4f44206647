import type { LanguageModelV4 } from '@ai-sdk/provider'
import { createMemoryIdempotencyStore } from '../adapters/storage/memory-idempotency-store.ts'
import { createMemoryMemoryStore } from '../adapters/storage/memory-memory-store.ts'
import { sqliteIncrementalVacuum } from '../adapters/storage/sqlite-incremental-vacuum.ts'
import { memoryScopeOf } from '../core/authorization.ts'
import type { BackendInstances } from '../core/config/backend-instances.ts'
import type { GatewayConfig } from '../core/config/schema.ts'
import type { ConfigIssue } from '../core/errors.ts'
import { formatConfigIssue } from '../core/errors.ts'
import type { Logger } from '../core/logger.ts'
import type { MemoryStore } from '../core/ports/memory-store.ts'
import type { SecretRedactor } from '../core/secrets/secret-redactor.ts'
import { compileTrust } from '../core/url/compile-trust.ts'
import type { Diagnostic } from '../core/workspace/model.ts'
import { createPromptClock } from '../engine/create-prompt-clock.ts'
import type { Hooks } from '../engine/hooks.ts'
import { createModelRegistry } from '../engine/models/model-registry.ts'
import {
  contextRetrieverName,
  createContextRetriever,
} from '../engine/retrievers/create-context-retriever.ts'
import type { Retriever } from '../engine/retrievers/retriever-types.ts'
import { createJsonSchemaValidator } from '../json-schema/create-json-schema-validator.ts'
import { createAgentRunner, newExecutionId } from '../services/agent-runner.ts'
import { createAgentCatalog } from '../services/agents/create-agent-catalog.ts'
import type { CustomAuthFunction } from '../services/auth/create-authenticator.ts'
import { createSecurity } from '../services/auth/create-security.ts'
import { createDashboardService } from '../services/dashboard-auth/create-dashboard-service.ts'
import { createApprovalService } from '../services/executions/create-approval-service.ts'
import { createExecutionService } from '../services/executions/create-execution-service.ts'
import { createExecutionTracker } from '../services/executions/create-execution-tracker.ts'
import { createIdempotencyService } from '../services/executions/idempotency.ts'
import type { GatewayRuntime } from '../services/gateway-runtime.ts'
import { createDrain } from '../services/lifecycle/create-drain.ts'
import { createMcpClients } from '../services/mcp/create-mcp-clients.ts'
import { createMcpServerService } from '../services/mcp/mcp-server-service.ts'
import { createMemoryExtraction, memoryExtractionJobKind } from '../services/memory/memory-extraction.ts'
import {
  createNotificationService,
  deliveryJobKind,
} from '../services/notifications/create-notification-service.ts'
import { withLifecycleEvents } from '../services/notifications/with-lifecycle-events.ts'
import { createPersonalConfigService } from '../services/personal/create-personal-config-service.ts'
import { createRetentionPruner } from '../services/retention/create-retention-pruner.ts'
import { prunesAnything, retentionRules } from '../services/retention/retention-rules.ts'
import { createScheduleService } from '../services/schedules/create-schedule-service.ts'
import { scheduleNotifyTargets } from '../services/schedules/schedule-notify-targets.ts'
import { createSecretBox } from '../services/secrets/create-secret-box.ts'
import { createSessionService } from '../services/sessions/create-session-service.ts'
import { createGatewayMetrics } from '../services/telemetry/metrics.ts'
import {
  createWorkspaceReloader,
  type LoadedWorkspace,
} from '../services/workspace/create-workspace-reloader.ts'
import type { RegisteredTool, ToolRegistry } from '../tools/tool-types.ts'
import { createPersistence } from './create-persistence.ts'
import { loadServedWorkspace } from './load-served-workspace.ts'

export interface CreateRuntimeOptions {
  config: GatewayConfig
  configWarnings: ConfigIssue[]
  /** Backends handed over as objects (options, `configure()`), used in place of named ones. */
  backends: BackendInstances
  workspaceRoot: string
  codeTools: readonly RegisteredTool[]
  customModels: ReadonlyMap<string, LanguageModelV4>
  /** `gw.useRetriever()` registrations. */
  customRetrievers?: ReadonlyMap<string, Retriever> | undefined
  /** `gw.useMemory()`: the memory store, in place of the storage's. */
  customMemory?: MemoryStore | undefined
  hooks: Hooks
  customAuth: CustomAuthFunction | undefined
  env: Readonly<Record<string, string | undefined>>
  /** Already redacting `redactor`'s secrets. */
  logger: Logger
  redactor: SecretRedactor
}

/** Loads the workspace and builds everything a started gateway holds. */
/** How long cancelled runs get to record their end after a drain timed out. */
const cancelRecordMs = 5000

export async function createRuntime(options: CreateRuntimeOptions): Promise<GatewayRuntime> {
  const { config, logger } = options
  const trust = compileTrust(config.proxy.forwardedAllowIps)
  if (trust.trustAll) {
    logger.warn(
      'proxy.forwarded_allow_ips is "*": any client can set X-Forwarded-* and change links, redirects and its IP; list your proxies instead',
    )
  }
  const server = config.server
  if (
    config.dashboard.enabled &&
    config.dashboard.auth.oauth2.issuer &&
    !server.publicUrl &&
    server.allowedHosts.length === 0
  ) {
    logger.warn(
      "dashboard SSO builds its redirect URI from each request's host; set server.public_url so it never depends on a header the client sends",
    )
  }
  const validator = createJsonSchemaValidator()
  const models = createModelRegistry({ config: config.model, custom: options.customModels, env: options.env })
  const retrieverNames = new Set([contextRetrieverName, ...(options.customRetrievers?.keys() ?? [])])
  const loadServed = () =>
    loadServedWorkspace({
      root: options.workspaceRoot,
      config,
      validator,
      models,
      codeTools: options.codeTools,
      retrieverNames,
      env: options.env,
      logger,
    })
  const initial = await loadServed()
  // What is served now; a reload replaces it (see `apply` below).
  let served: LoadedWorkspace = initial
  const { workspace, tools } = initial
  const diagnostics: Diagnostic[] = [
    ...options.configWarnings.map((issue) => ({ ...issue, severity: 'warning' as const })),
    ...initial.diagnostics,
  ]
  const notices = initial.notices

  for (const diagnostic of diagnostics) {
    logger[diagnostic.severity === 'error' ? 'error' : 'warn'](formatConfigIssue(diagnostic))
  }
  for (const notice of notices) logger.warn(notice)
  logger.info(
    {
      workspace: workspace.root,
      agents: workspace.agents.length,
      skills: workspace.skills.length,
      tools: tools.list().length,
    },
    'workspace loaded',
  )

  const retrievers = new Map<string, Retriever>([
    [
      contextRetrieverName,
      createContextRetriever(
        (agentId) => served.workspace.agents.find((agent) => agent.id === agentId)?.contextFiles ?? [],
      ),
    ],
    ...(options.customRetrievers ?? []),
  ])
  // MCP servers connect in the background: a server that is down never holds up start-up.
  const mcp = createMcpClients({
    defaults: {
      connectionTimeoutMs: config.mcp.connectionTimeoutMs,
      toolCallTimeoutMs: config.mcp.toolCallTimeoutMs,
    },
    logger: logger.child({ component: 'mcp' }),
    validator,
    redact: options.redactor.redact,
  })
  const engine = {
    retrievers,
    // Set once the storage is open (below).
    memories: undefined as MemoryStore | undefined,
    config,
    workspace,
    tools,
    mcp,
    models,
    validator,
    hooks: options.hooks,
    logger,
    clock: createPromptClock(),
    redact: options.redactor.redact,
  }
  let secretBox: ReturnType<typeof createSecretBox> | undefined
  try {
    // Built now so that a malformed key fails start-up, not the first request that stores a secret.
    const secretKey = config.secrets.key ?? options.env.AGW_SECRET_KEY
    secretBox = secretKey
      ? createSecretBox({ key: secretKey, previousKeys: config.secrets.previousKeys })
      : undefined
  } catch (error) {
    await served.tools.close()
    throw error
  }
  const persistence = await createPersistence({
    config,
    instances: options.backends,
    workspaceRoot: workspace.root,
    logger,
  }).catch(async (error: unknown) => {
    await served.tools.close()
    throw error
  })
  const { storage } = persistence
  // `gw.useMemory()` wins; a storage without memories keeps them in this process.
  const memories = options.customMemory ?? storage.memories ?? createMemoryMemoryStore()
  engine.memories = memories
  // What has started so far, stopped in reverse order if a later step fails.
  const started: (() => Promise<void>)[] = [
    () => served.tools.close(),
    () => persistence.close(),
    () => mcp.close(),
  ]
  try {
    mcp.start(config.mcp.servers)
    const mcpServers = createMcpServerService({
      configServers: config.mcp.servers,
      store: storage.mcpServers,
      clients: mcp,
      secretBox,
      bus: persistence.bus,
      logger: logger.child({ component: 'mcp' }),
    })
    await mcpServers.start()
    started.push(() => mcpServers.stop())
    const security = createSecurity({
      config,
      customAuth: options.customAuth,
      rateLimitStore: persistence.rateLimitStore,
      logger,
    })
    const leaseMs = config.persistence.leaseSeconds * 1000
    const notifications = createNotificationService({
      config: config.notifications,
      log: storage.deliveries,
      queue: persistence.queue,
      executions: storage.executions,
      agent: (id) => served.workspace.agents.find((agent) => agent.id === id),
      // A schedule's `notify`, recorded on the runs it starts, adds to the agent's targets.
      extraTargets: scheduleNotifyTargets,
      logger,
    })
    // Every terminal transition of an execution reaches the notifications, once.
    const executionStore = withLifecycleEvents(storage.executions, notifications.emit)
    // One set of instruments per gateway, from the meter provider registered by now (if any).
    const metrics = createGatewayMetrics()
    const tracker = createExecutionTracker({
      metrics,
      store: executionStore,
      bus: persistence.bus,
      logger,
      heartbeatMs: leaseMs / 3,
    })
    await tracker.start()
    started.push(() => tracker.stop())
    const agents = createAgentCatalog({
      workspace,
      store: storage.agentOverrides,
      bus: persistence.bus,
      logger,
    })
    await agents.start()
    started.push(() => agents.stop())
    const dashboard = config.dashboard.enabled
      ? await createDashboardService({
          config: config.dashboard,
          sessions: storage.dashboardSessions,
          secrets: storage.secrets,
          loginFailures: storage.loginFailures,
          inMemory: persistence.inMemory,
          logger,
        })
      : undefined
    const sessions = createSessionService(storage.sessions)
    const drain = createDrain()
    const personalConfigs = createPersonalConfigService({
      store: storage.personalConfigs,
      secretBox,
      validator,
      agents: workspace.agents,
      // The dashboard's setup form when there is one; otherwise the schema the API client fills in.
      setupPath: (agentId) =>
        config.dashboard.enabled
          ? `/dashboard/agents/${encodeURIComponent(agentId)}/setup`
          : `/v1/agents/${encodeURIComponent(agentId)}/setup-schema`,
    })
    const memoryExtraction = createMemoryExtraction({
      queue: persistence.queue,
      store: memories,
      agent: (id) => served.workspace.agents.find((agent) => agent.id === id),
      model: (agent) =>
        models.resolve(config.memory.extractionModel ?? agent.model.name ?? config.model.default),
      logger,
    })
    const runner = createAgentRunner({
      onChatTurn: ({ agent, viewer, message, executionId }) =>
        memoryExtraction.schedule({ agent, scope: memoryScopeOf(viewer, agent.id), message, executionId }),
      drain,
      engine,
      sessions,
      sessionStore: storage.sessions,
      tracker,
      agents,
      personalConfigs,
    })
    const executions = createExecutionService({
      metrics,
      queueBackend: config.queue.backend,
      store: executionStore,
      queue: persistence.queue,
      bus: persistence.bus,
      runner,
      maxRetries: config.queue.maxRetries,
      logger,
      redact: options.redactor.redact,
      leases: storage.leases,
      staleAfterMs: leaseMs,
      reconcile: {
        intervalMs: config.queue.reconcileIntervalSeconds * 1000,
        graceMs: config.queue.reconcileGraceSeconds * 1000,
      },
      otherJobs: {
        [memoryExtractionJobKind]: {
          handle: (job) => memoryExtraction.handleJob(job),
          deadLettered: async (job, reason) => {
            logger.warn({ jobId: job.id, reason }, 'a memory extraction job was dead-lettered')
          },
        },
        [deliveryJobKind]: {
          handle: (job) => notifications.handleJob(job),
          deadLettered: async (job, reason) => {
            logger.error({ jobId: job.id, reason }, 'a notification delivery job was dead-lettered')
          },
        },
      },
    })
    started.push(() => executions.stop(0))
    const idempotency = createIdempotencyService({
      store: storage.idempotencyKeys ?? createMemoryIdempotencyStore(),
      windowMs: config.persistence.idempotencyWindowSeconds * 1000,
    })
    const approvals = createApprovalService({
      store: storage.executions,
      queue: persistence.queue,
      bus: persistence.bus,
      // The tools served now: an approval resumed after a reload calls the reloaded tool.
      tools: {
        get: (name) => served.tools.get(name),
        list: () => served.tools.list(),
        close: async () => undefined,
      } satisfies ToolRegistry,
      validator,
      logger,
    })
    approvals.start()
    started.push(async () => approvals.stop())
    if (config.queue.runWorkers) await executions.startWorkers(config.queue.workers)
    const schedules = createScheduleService({
      store: storage.schedules,
      executions,
      defaults: { timezone: config.timezone, ...config.scheduler },
      agentExists: async (agentId) => (await agents.get(agentId)) !== undefined,
      logger,
    })
    await schedules.syncWorkspace(workspace.agents)
    // Every instance runs the ticker: ticks are claimed in the database, so each fires once.
    if (config.scheduler.enabled) schedules.start()
    started.push(() => schedules.stop())
    const retention = config.persistence.retention
    const rules = retentionRules(retention)
    // Off unless a window is configured: nothing is deleted by default.
    const pruner = prunesAnything(rules)
      ? createRetentionPruner({
          executions: storage.executions,
          sessions: storage.sessions,
          leases: storage.leases,
          instanceId: newExecutionId(),
          rules,
          logger,
          intervalMs: retention.intervalSeconds * 1000,
          batchSize: retention.batchSize,
          afterRound: async () => {
            const { database } = persistence
            if (database) await sqliteIncrementalVacuum(database)
          },
        })
      : undefined
    pruner?.start()
    if (pruner) started.push(() => pruner.stop())
    const reloader = createWorkspaceReloader({
      initial,
      load: loadServed,
      apply(loaded) {
        served = loaded
        engine.workspace = loaded.workspace
        engine.tools = loaded.tools
        agents.replaceWorkspace(loaded.workspace)
        runtime.workspace = loaded.workspace
        runtime.tools = loaded.tools
        runtime.diagnostics = [
          ...options.configWarnings.map((issue) => ({ ...issue, severity: 'warning' as const })),
          ...loaded.diagnostics,
        ]
        runtime.notices = loaded.notices
      },
      afterApply: (loaded) => schedules.syncWorkspace(loaded.workspace.agents),
      // A run that started before a reload keeps its tools until it must have ended.
      retireAfterMs: config.guardrails.timeoutMs + cancelRecordMs,
      bus: persistence.bus,
      logger: logger.child({ component: 'workspace' }),
    })
    const runtime: GatewayRuntime = {
      config,
      workspace,
      tools,
      trust,
      logger,
      validator,
      models,
      sessions,
      agents,
      personalConfigs,
      memories,
      runner,
      executions,
      approvals,
      idempotency,
      schedules,
      notifications,
      bus: persistence.bus,
      audit: storage.audit,
      security,
      secretBox,
      mcp,
      mcpServers,
      dashboard,
      diagnostics,
      notices,
      drain,
      reloader,
      async close(drainMs) {
        await pruner?.stop()
        approvals.stop()
        await schedules.stop()
        drain.begin()
        const [settled] = await Promise.all([drain.settle(drainMs), executions.stop(drainMs)])
        if (!settled) {
          logger.warn({ inFlight: drain.inFlight }, 'drain timed out: cancelling what still runs')
          drain.cancelRemaining()
          // Cancelled runs record themselves as cancelled; give them a moment to do so.
          await drain.settle(cancelRecordMs)
        }
        // Runs have ended: replaced tools can close, and no reload may start now.
        await reloader.stop()
        await mcpServers.stop()
        await notifications.drain()
        await mcp.close()
        await agents.stop()
        await tracker.stop()
        await persistence.close()
        await served.tools.close()
      },
    }
    // Listens only once `runtime` exists: `apply` writes to it.
    await reloader.start()
    started.push(() => reloader.stop())
    return runtime
  } catch (error) {
    for (const stop of started.reverse()) await stop().catch(() => undefined)
    throw error
  }
}
