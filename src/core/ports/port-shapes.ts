/**
 * The methods of each port, so an object handed in as a backend can be checked at start-up —
 * a missing method then fails with a message that names it, instead of a `TypeError` on the
 * first request that needs it. Kept beside the interfaces; a type test holds the two in step.
 */
export const portMethods = {
  JobQueue: ['enqueue', 'consume', 'stop', 'size', 'close'],
  EventBus: ['publish', 'subscribe', 'close'],
  RateLimitStore: ['hit', 'peek'],
  ExecutionStore: [
    'create',
    'get',
    'list',
    'markRunning',
    'finish',
    'awaitApproval',
    'resumeFromApproval',
    'requestCancel',
    'appendSteps',
    'appendJournal',
    'listJournal',
    'touch',
    'listStale',
    'listSteps',
    'stats',
    'pruneFinished',
  ],
  SessionStore: ['get', 'appendTurn', 'delete', 'list', 'withLock', 'pruneIdle'],
  DashboardSessionStore: ['create', 'get', 'delete', 'deleteExpired'],
  SecretStore: ['getOrCreate'],
  AgentOverrideStore: ['list', 'put'],
  LoginFailureStore: ['count', 'record', 'clear'],
  AuditLog: ['record'],
  McpServerStore: ['list', 'get', 'create', 'update', 'delete'],
  LeaseStore: ['acquire', 'release'],
  IdempotencyStore: ['claim', 'deleteExpired'],
  ScheduleStore: ['list', 'get', 'create', 'update', 'delete', 'listDue', 'claim', 'recordRun', 'listRuns'],
  DeliveryLog: ['create', 'get', 'list', 'recordAttempt', 'listAttempts', 'reopen'],
  PersonalConfigStore: ['get', 'listByOwner', 'put', 'delete'],
  MemoryStore: ['save', 'recall', 'list', 'forget', 'replace'],
} as const

export type PortName = keyof typeof portMethods

/** The members of a `GatewayStorage` and the port each one is. */
export const storageMembers = {
  executions: 'ExecutionStore',
  sessions: 'SessionStore',
  dashboardSessions: 'DashboardSessionStore',
  secrets: 'SecretStore',
  agentOverrides: 'AgentOverrideStore',
  loginFailures: 'LoginFailureStore',
  audit: 'AuditLog',
  mcpServers: 'McpServerStore',
  schedules: 'ScheduleStore',
} as const satisfies Record<string, PortName>

/** The members a `GatewayStorage` may leave out, checked only when present. */
export const optionalStorageMembers = {
  leases: 'LeaseStore',
  idempotencyKeys: 'IdempotencyStore',
  deliveries: 'DeliveryLog',
  personalConfigs: 'PersonalConfigStore',
  memories: 'MemoryStore',
} as const satisfies Record<string, PortName>

/** What a backend object can be checked as: one port, or the storage bundle. */
export type BackendShape = PortName | 'GatewayStorage'

function isObject(value: unknown): value is Record<string, unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null
}

/**
 * What `value` lacks to be a `shape`, as readable phrases (`"enqueue()"`, `"sessions.withLock()"`);
 * empty when it has everything.
 */
export function missingMembers(value: unknown, shape: BackendShape): string[] {
  if (!isObject(value)) return ['an object']
  if (shape === 'GatewayStorage') {
    const optional = Object.entries(optionalStorageMembers).filter(([member]) => value[member] !== undefined)
    return [...Object.entries(storageMembers), ...optional].flatMap(([member, port]) => {
      const store = value[member]
      if (!isObject(store)) return [member]
      return missingMembers(store, port).map((missing) => `${member}.${missing}`)
    })
  }
  const missing: string[] = portMethods[shape]
    .filter((method) => typeof value[method] !== 'function')
    .map((method) => `${method}()`)
  if (shape === 'JobQueue' && typeof value.name !== 'string') missing.unshift('name')
  return missing
}

/**
 * The shape `value` fully has, to say "this is an EventBus" when it was passed in the wrong
 * place. The richest shape wins: a login-failure store also has an audit log's `record()`.
 */
export function recognizeBackend(value: unknown): BackendShape | undefined {
  const ports = (Object.keys(portMethods) as PortName[]).sort(
    (a, b) => portMethods[b].length - portMethods[a].length,
  )
  return (['GatewayStorage', ...ports] as BackendShape[]).find(
    (shape) => missingMembers(value, shape).length === 0,
  )
}
