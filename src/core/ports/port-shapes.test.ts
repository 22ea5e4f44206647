import { describe, expect, it } from 'vitest'
import type { AgentOverrideStore } from './agent-override-store.ts'
import type { AuditLog } from './audit-log.ts'
import type { DashboardSessionStore } from './dashboard-session-store.ts'
import type { DeliveryLog } from './delivery-log.ts'
import type { EventBus } from './event-bus.ts'
import type { ExecutionStore } from './execution-store.ts'
import type { GatewayStorage } from './gateway-storage.ts'
import type { IdempotencyStore } from './idempotency-store.ts'
import type { JobQueue } from './job-queue.ts'
import type { LeaseStore } from './lease-store.ts'
import type { LoginFailureStore } from './login-failure-store.ts'
import type { McpServerStore } from './mcp-server-store.ts'
import type { MemoryStore } from './memory-store.ts'
import type { PersonalConfigStore } from './personal-config-store.ts'
import {
  missingMembers,
  type optionalStorageMembers,
  portMethods,
  recognizeBackend,
  storageMembers,
} from './port-shapes.ts'
import type { RateLimitStore } from './rate-limit-store.ts'
import type { ScheduleStore } from './schedule-store.ts'
import type { SecretStore } from './secret-store.ts'
import type { SessionStore } from './session-store.ts'

type MethodsOf<T> = { [K in keyof T]-?: T[K] extends (...args: never[]) => unknown ? K : never }[keyof T]
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
type Listed<P extends keyof typeof portMethods> = (typeof portMethods)[P][number]

// Compile-time: the lists name exactly the methods of each interface, so adding a method to a
// port without listing it (or the reverse) fails `tsc`.
const inStep: {
  [P in keyof typeof portMethods]: true
} = {
  JobQueue: true satisfies Same<MethodsOf<JobQueue>, Listed<'JobQueue'>>,
  EventBus: true satisfies Same<MethodsOf<EventBus>, Listed<'EventBus'>>,
  RateLimitStore: true satisfies Same<MethodsOf<RateLimitStore>, Listed<'RateLimitStore'>>,
  ExecutionStore: true satisfies Same<MethodsOf<ExecutionStore>, Listed<'ExecutionStore'>>,
  SessionStore: true satisfies Same<MethodsOf<SessionStore>, Listed<'SessionStore'>>,
  DashboardSessionStore: true satisfies Same<
    MethodsOf<DashboardSessionStore>,
    Listed<'DashboardSessionStore'>
  >,
  SecretStore: true satisfies Same<MethodsOf<SecretStore>, Listed<'SecretStore'>>,
  AgentOverrideStore: true satisfies Same<MethodsOf<AgentOverrideStore>, Listed<'AgentOverrideStore'>>,
  LoginFailureStore: true satisfies Same<MethodsOf<LoginFailureStore>, Listed<'LoginFailureStore'>>,
  AuditLog: true satisfies Same<MethodsOf<AuditLog>, Listed<'AuditLog'>>,
  McpServerStore: true satisfies Same<MethodsOf<McpServerStore>, Listed<'McpServerStore'>>,
  LeaseStore: true satisfies Same<MethodsOf<LeaseStore>, Listed<'LeaseStore'>>,
  IdempotencyStore: true satisfies Same<MethodsOf<IdempotencyStore>, Listed<'IdempotencyStore'>>,
  ScheduleStore: true satisfies Same<MethodsOf<ScheduleStore>, Listed<'ScheduleStore'>>,
  DeliveryLog: true satisfies Same<MethodsOf<DeliveryLog>, Listed<'DeliveryLog'>>,
  PersonalConfigStore: true satisfies Same<MethodsOf<PersonalConfigStore>, Listed<'PersonalConfigStore'>>,
  MemoryStore: true satisfies Same<MethodsOf<MemoryStore>, Listed<'MemoryStore'>>,
}
const membersInStep: Same<
  keyof GatewayStorage,
  keyof typeof storageMembers | keyof typeof optionalStorageMembers
> = true

/** An object with the given methods, each a no-op. */
const withMethods = (names: readonly string[], extra: Record<string, unknown> = {}) =>
  Object.fromEntries([...names.map((name) => [name, () => undefined]), ...Object.entries(extra)])

describe('port shapes', () => {
  it('lists every method of every port (checked by tsc above)', () => {
    expect(Object.values(inStep).every(Boolean) && membersInStep).toBe(true)
  })

  it('names what an object lacks to be a port, a queue needing its name too', () => {
    expect(missingMembers({ enqueue() {}, consume() {} }, 'JobQueue')).toEqual([
      'name',
      'stop()',
      'size()',
      'close()',
    ])
    expect(missingMembers(withMethods(portMethods.JobQueue, { name: 'q' }), 'JobQueue')).toEqual([])
    expect(missingMembers(42, 'EventBus')).toEqual(['an object'])
  })

  it('names missing members of a storage by member and method', () => {
    const storage = Object.fromEntries(
      Object.entries(storageMembers).map(([member, port]) => [member, withMethods(portMethods[port])]),
    )
    expect(missingMembers(storage, 'GatewayStorage')).toEqual([])
    const { audit: _audit, ...withoutAudit } = storage
    const brokenSessions = { ...withoutAudit, sessions: withMethods(['get', 'list']) }
    expect(missingMembers(brokenSessions, 'GatewayStorage')).toEqual([
      'sessions.appendTurn()',
      'sessions.delete()',
      'sessions.withLock()',
      'sessions.pruneIdle()',
      'audit',
    ])
  })

  it('recognizes the richest port an object fully has', () => {
    expect(recognizeBackend(withMethods(portMethods.EventBus))).toBe('EventBus')
    expect(recognizeBackend(withMethods(portMethods.LoginFailureStore))).toBe('LoginFailureStore')
    expect(recognizeBackend({ nothing: true })).toBeUndefined()
  })
})
