import { GatewayError } from '../../core/errors.ts'
import type { Logger } from '../../core/logger.ts'
import type { EventBus } from '../../core/ports/event-bus.ts'
import type { McpServerStore, StoredMcpServer } from '../../core/ports/mcp-server-store.ts'
import { type SecretBox, SecretBoxError, secretKeyHint } from '../secrets/create-secret-box.ts'
import type { McpClients, McpServerStatus, McpTestResult } from './create-mcp-clients.ts'
import type { McpServerSettings } from './mcp-server-settings.ts'

export const mcpServersChannel = 'mcp.servers'

/** What may hold a credential: sealed at rest, shown by name only. */
interface McpSecrets {
  env: Record<string, string>
  headers: Record<string, string>
  auth: McpServerSettings['auth']
}

/** An MCP server as the admin API and the dashboard show it: credentials by name only. */
export interface McpServerView {
  name: string
  /** `config` servers come from gateway.yaml and are read-only here. */
  origin: 'config' | 'database'
  transport: McpServerSettings['transport']
  command: string | null
  args: string[]
  cwd: string | null
  url: string | null
  enabled: boolean
  connectionTimeoutMs: number | null
  toolCallTimeoutMs: number | null
  envKeys: string[]
  headerNames: string[]
  authType: McpServerSettings['auth']['type']
  status: McpServerStatus['status'] | 'error'
  error: string | null
  tools: { name: string; originalName: string; description: string; inputSchema: Record<string, unknown> }[]
  createdAt: number | null
  updatedAt: number | null
}

export interface McpServerService {
  list(): Promise<McpServerView[]>
  get(name: string): Promise<McpServerView>
  /** Creates a database server (the settings already validated) and connects to it. */
  create(settings: McpServerSettings): Promise<McpServerView>
  /** Replaces a database server's settings (see `settings()` for a partial change). */
  update(settings: McpServerSettings): Promise<McpServerView>
  delete(name: string): Promise<void>
  /** A database server's settings with its credentials opened, to apply a partial change to. */
  settings(name: string): Promise<McpServerSettings>
  test(name: string): Promise<McpTestResult>
  refresh(name: string): Promise<McpServerView>
  start(): Promise<void>
  stop(): Promise<void>
}

export interface McpServerServiceOptions {
  configServers: readonly McpServerSettings[]
  store: McpServerStore
  clients: McpClients
  secretBox: SecretBox | undefined
  bus: EventBus
  logger: Logger
  now?: () => number
  /**
   * How often each instance re-reads the table besides the bus message, so a lost message (or
   * instances sharing a database without a shared bus) delays a change by at most this long.
   * @default 15000
   */
  resyncMs?: number
}

const sealContext = (name: string) => `mcp:${name}:secrets`

function secretsOf(settings: McpServerSettings): McpSecrets | undefined {
  const hasAuth = settings.auth.type !== 'none'
  if (Object.keys(settings.env).length === 0 && Object.keys(settings.headers).length === 0 && !hasAuth)
    return undefined
  return { env: settings.env, headers: settings.headers, auth: settings.auth }
}

function secretNamesOf(settings: McpServerSettings): string[] {
  return [
    ...Object.keys(settings.env).map((key) => `env.${key}`),
    ...Object.keys(settings.headers).map((key) => `headers.${key}`),
    ...(settings.auth.type === 'none' ? [] : [`auth.${settings.auth.type}`]),
  ]
}

const noAuth: McpServerSettings['auth'] = { type: 'none', header: 'X-API-Key', scopes: [] }

/**
 * MCP servers from gateway.yaml and from the database, as one list. gateway.yaml wins: its
 * servers are read-only here, and a database server may not take one of their names (one stored
 * before the name appeared in gateway.yaml is skipped with a warning). Credentials of database
 * servers are sealed with the secret box; every instance loads the same servers and reloads when
 * another instance announces a change on the event bus.
 */
export function createMcpServerService(options: McpServerServiceOptions): McpServerService {
  const { store, clients, bus, logger } = options
  const now = options.now ?? Date.now
  const configNames = new Set(options.configServers.map((server) => server.name))
  /** Database servers that could not be loaded (credentials that do not open), by name. */
  const problems = new Map<string, string>()
  /** The stored record each connected database server was built from. */
  const loaded = new Map<string, StoredMcpServer>()
  let unsubscribe: (() => Promise<void>) | undefined
  let resync: ReturnType<typeof setInterval> | undefined

  const open = (record: StoredMcpServer): McpServerSettings => {
    let secrets: McpSecrets = { env: {}, headers: {}, auth: noAuth }
    if (record.sealedSecrets) {
      if (!options.secretBox)
        throw new Error(`its credentials are encrypted and the gateway has no secret key; ${secretKeyHint}`)
      try {
        secrets = JSON.parse(
          options.secretBox.open(record.sealedSecrets, sealContext(record.name)),
        ) as McpSecrets
      } catch (error) {
        if (error instanceof SecretBoxError)
          throw new Error(
            `its credentials cannot be decrypted with the configured secret key (${error.message}); set the key they were sealed with in secrets.key or secrets.previous_keys`,
          )
        throw error
      }
    }
    return {
      name: record.name,
      transport: record.transport,
      ...(record.command !== null ? { command: record.command } : {}),
      args: record.args,
      ...(record.cwd !== null ? { cwd: record.cwd } : {}),
      ...(record.url !== null ? { url: record.url } : {}),
      env: secrets.env,
      headers: secrets.headers,
      auth: secrets.auth,
      enabled: record.enabled,
      ...(record.connectionTimeoutMs !== null ? { connectionTimeoutMs: record.connectionTimeoutMs } : {}),
      ...(record.toolCallTimeoutMs !== null ? { toolCallTimeoutMs: record.toolCallTimeoutMs } : {}),
    }
  }

  const toRecord = (settings: McpServerSettings, createdAt: number): StoredMcpServer => {
    const secrets = secretsOf(settings)
    let sealed: string | null = null
    if (secrets) {
      if (!options.secretBox)
        throw new GatewayError('secret_key_missing', {
          message: `MCP server "${settings.name}" has credentials (env, headers or auth) and the gateway has no secret key to encrypt them; ${secretKeyHint}`,
        })
      sealed = options.secretBox.seal(JSON.stringify(secrets), sealContext(settings.name))
    }
    return {
      name: settings.name,
      transport: settings.transport,
      command: settings.command ?? null,
      args: settings.args,
      cwd: settings.cwd ?? null,
      url: settings.url ?? null,
      enabled: settings.enabled,
      connectionTimeoutMs: settings.connectionTimeoutMs ?? null,
      toolCallTimeoutMs: settings.toolCallTimeoutMs ?? null,
      sealedSecrets: sealed,
      secretNames: secretNamesOf(settings),
      createdAt,
      updatedAt: now(),
    }
  }

  /** Brings this instance's connections in line with the database. */
  const syncOnce = async () => {
    const records = await store.list()
    const seen = new Set<string>()
    for (const record of records) {
      if (configNames.has(record.name)) {
        logger.warn(
          { mcp_server: record.name },
          'a stored MCP server has the name of one in gateway.yaml; gateway.yaml wins',
        )
        continue
      }
      seen.add(record.name)
      const previous = loaded.get(record.name)
      if (previous && previous.updatedAt === record.updatedAt && !problems.has(record.name)) continue
      let settings: McpServerSettings
      try {
        settings = open(record)
      } catch (error) {
        const message = `MCP server "${record.name}": ${(error as Error).message}`
        problems.set(record.name, message)
        loaded.delete(record.name)
        await clients.remove(record.name)
        logger.error(message)
        continue
      }
      problems.delete(record.name)
      loaded.set(record.name, record)
      await clients.put(settings)
    }
    for (const name of [...loaded.keys(), ...problems.keys()]) {
      if (seen.has(name)) continue
      loaded.delete(name)
      problems.delete(name)
      await clients.remove(name)
    }
  }

  // One sync at a time (a change, a bus message and the periodic re-read may coincide).
  let syncing: Promise<void> = Promise.resolve()
  const sync = (): Promise<void> => {
    const next = syncing.catch(() => undefined).then(syncOnce)
    syncing = next
    return next
  }

  const announce = async (name: string) => {
    await bus.publish(mcpServersChannel, { name }).catch((error: unknown) => {
      logger.warn({ err: error }, 'could not announce an MCP server change to other instances')
    })
  }

  const viewOf = (
    base: Pick<McpServerView, 'origin' | 'createdAt' | 'updatedAt'>,
    settings: McpServerSettings | undefined,
    record: StoredMcpServer | undefined,
    name: string,
  ): McpServerView => {
    const status = clients.status(name)
    const problem = problems.get(name)
    const secretNames = record?.secretNames ?? (settings ? secretNamesOf(settings) : [])
    const names = (prefix: string) =>
      secretNames.filter((entry) => entry.startsWith(prefix)).map((entry) => entry.slice(prefix.length))
    const source = settings ?? (record ? { ...record } : undefined)
    return {
      name,
      ...base,
      transport: source?.transport ?? 'stdio',
      command: source?.command ?? null,
      args: source?.args ?? [],
      cwd: source?.cwd ?? null,
      url: source?.url ?? null,
      enabled: source?.enabled ?? false,
      connectionTimeoutMs: source?.connectionTimeoutMs ?? null,
      toolCallTimeoutMs: source?.toolCallTimeoutMs ?? null,
      envKeys: names('env.'),
      headerNames: names('headers.'),
      authType: (names('auth.')[0] as McpServerView['authType'] | undefined) ?? 'none',
      status: problem ? 'error' : (status?.status ?? 'disconnected'),
      error: problem ?? status?.error ?? null,
      tools: (status?.tools ?? []).map((tool) => ({
        name: `${name}__${tool.name}`,
        originalName: tool.name,
        description: tool.description ?? '',
        inputSchema: tool.inputSchema as Record<string, unknown>,
      })),
      createdAt: base.createdAt,
      updatedAt: base.updatedAt,
    }
  }

  const notFound = (name: string) =>
    new GatewayError('mcp_server_not_found', { message: `MCP server "${name}" not found.` })

  const get = async (name: string): Promise<McpServerView> => {
    const configured = options.configServers.find((server) => server.name === name)
    if (configured)
      return viewOf({ origin: 'config', createdAt: null, updatedAt: null }, configured, undefined, name)
    const record = await store.get(name)
    if (!record) throw notFound(name)
    return viewOf(
      { origin: 'database', createdAt: record.createdAt, updatedAt: record.updatedAt },
      undefined,
      record,
      name,
    )
  }

  const writable = async (name: string): Promise<StoredMcpServer> => {
    if (configNames.has(name))
      throw new GatewayError('mcp_server_read_only', {
        message: `MCP server "${name}" is defined in gateway.yaml; change it there.`,
      })
    const record = await store.get(name)
    if (!record) throw notFound(name)
    return record
  }

  return {
    async list() {
      const views = options.configServers.map((server) =>
        viewOf({ origin: 'config', createdAt: null, updatedAt: null }, server, undefined, server.name),
      )
      for (const record of await store.list()) {
        if (configNames.has(record.name)) continue
        views.push(
          viewOf(
            { origin: 'database', createdAt: record.createdAt, updatedAt: record.updatedAt },
            undefined,
            record,
            record.name,
          ),
        )
      }
      return views.sort((a, b) => a.name.localeCompare(b.name))
    },
    get,
    async create(settings) {
      if (configNames.has(settings.name))
        throw new GatewayError('mcp_server_exists', {
          message: `MCP server "${settings.name}" is defined in gateway.yaml.`,
        })
      const record = toRecord(settings, now())
      if (!(await store.create(record)))
        throw new GatewayError('mcp_server_exists', { message: `MCP server "${settings.name}" exists.` })
      await sync()
      await announce(settings.name)
      return get(settings.name)
    },
    async update(settings) {
      const current = await writable(settings.name)
      const record = toRecord(settings, current.createdAt)
      if (!(await store.update(record))) throw notFound(settings.name)
      await sync()
      await announce(settings.name)
      return get(settings.name)
    },
    async delete(name) {
      await writable(name)
      await store.delete(name)
      await sync()
      await announce(name)
    },
    async settings(name) {
      const record = await writable(name)
      try {
        return open(record)
      } catch (error) {
        throw new GatewayError('secret_key_missing', {
          message: `MCP server "${name}": ${(error as Error).message}`,
        })
      }
    },
    async test(name) {
      const configured = options.configServers.find((server) => server.name === name)
      if (configured) return clients.test(configured)
      const record = await store.get(name)
      if (!record) throw notFound(name)
      let settings: McpServerSettings
      try {
        settings = open(record)
      } catch (error) {
        return { success: false, tools: [], error: `MCP server "${name}": ${(error as Error).message}` }
      }
      return clients.test(settings)
    },
    async refresh(name) {
      await get(name)
      if (!configNames.has(name)) {
        loaded.delete(name)
        await sync()
      }
      await clients.refresh(name)
      return get(name)
    },
    async start() {
      unsubscribe = await bus.subscribe(mcpServersChannel, () => {
        sync().catch((error: unknown) => logger.warn({ err: error }, 'could not reload MCP servers'))
      })
      await sync().catch((error: unknown) =>
        logger.error({ err: error }, 'could not load MCP servers from the database'),
      )
      resync = setInterval(() => {
        sync().catch((error: unknown) => logger.warn({ err: error }, 'could not reload MCP servers'))
      }, options.resyncMs ?? 15_000)
      resync.unref?.()
    },
    async stop() {
      if (resync) clearInterval(resync)
      resync = undefined
      await unsubscribe?.()
      unsubscribe = undefined
    },
  }
}
