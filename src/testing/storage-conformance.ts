import { createMemoryIdempotencyStore } from '../adapters/storage/memory-idempotency-store.ts'
import { createMemoryLeaseStore } from '../adapters/storage/memory-lease-store.ts'
import { createMemoryMemoryStore } from '../adapters/storage/memory-memory-store.ts'
import type { AuditEvent, AuditLog } from '../core/ports/audit-log.ts'
import type { GatewayStorage } from '../core/ports/gateway-storage.ts'
import { defineAgentOverrideStoreConformance } from './agent-override-store-conformance.ts'
import { defineAuditLogConformance } from './audit-log-conformance.ts'
import { defineDashboardSessionStoreConformance } from './dashboard-session-store-conformance.ts'
import { defineDeliveryLogConformance } from './delivery-log-conformance.ts'
import { defineExecutionStoreConformance } from './execution-store-conformance.ts'
import { defineIdempotencyStoreConformance } from './idempotency-store-conformance.ts'
import { defineLeaseStoreConformance } from './lease-store-conformance.ts'
import { defineLoginFailureStoreConformance } from './login-failure-store-conformance.ts'
import { defineMcpServerStoreConformance } from './mcp-server-store-conformance.ts'
import { defineMemoryStoreConformance } from './memory-store-conformance.ts'
import { definePersonalConfigStoreConformance } from './personal-config-store-conformance.ts'
import { defineScheduleStoreConformance } from './schedule-store-conformance.ts'
import { defineSecretStoreConformance } from './secret-store-conformance.ts'
import { defineSessionStoreConformance } from './session-store-conformance.ts'
import { openOncePerBlock, type StoreFixture, type StoreSuiteOptions } from './store-suite.ts'
import { assertTestFunctions, type TestFunctions } from './test-functions.ts'

/** A whole storage under test. */
export interface StorageFixture {
  storage: GatewayStorage
  /**
   * Opens another storage on the same data with its own connections, as another gateway process
   * would. Leave it out for in-process storage; the cross-instance races then run on one handle.
   */
  connectAnother?: (() => Promise<GatewayStorage>) | undefined
  /** Every event `storage.audit` recorded so far, oldest first, read back from its backend. */
  recordedAuditEvents(): Promise<AuditEvent[]>
  /** An audit log like `storage.audit` whose backend fails every write. */
  unavailableAuditLog(): Promise<AuditLog>
  /** Closes everything the fixture opened (the storage and every `connectAnother`) and removes what the tests stored. */
  cleanup(): Promise<void>
}

/**
 * Registers the conformance suite of every port a `GatewayStorage` bundles — executions,
 * sessions, dashboard sessions, secrets, agent overrides, login failures, schedules and the audit log — on
 * sessions, dashboard sessions, secrets, agent overrides, login failures, the audit log and the delivery log — on
 * sessions, dashboard sessions, secrets, agent overrides, login failures, the audit log and
 * personal-agent setups — on
 * one storage: what `persistence.backend` accepts as an instance must pass it. `factory` is
 * called once; each port's suite tests its member.
 *
 * @example
 * ```ts
 * import { afterAll, beforeAll, describe, it } from 'vitest'
 * defineStorageConformance({ describe, it, beforeAll, afterAll }, 'my storage', async () => {
 *   const storage = await openMyStorage()
 *   return {
 *     storage,
 *     connectAnother: () => openMyStorage(),
 *     recordedAuditEvents: () => readMyAuditTable(),
 *     unavailableAuditLog: async () => myAuditLogOn(closedConnection),
 *     cleanup: () => dropEverything(),
 *   }
 * })
 * ```
 */
export function defineStorageConformance(
  test: TestFunctions,
  name: string,
  factory: () => Promise<StorageFixture>,
  options?: StoreSuiteOptions,
): void {
  assertTestFunctions(test)
  test.describe(`storage conformance: ${name}`, () => {
    const opened = openOncePerBlock(test, `storage conformance: ${name}`, factory)
    // Each port's suite gets the member of the one storage; closing is the storage fixture's job.
    function part<Key extends Exclude<keyof GatewayStorage, 'leases' | 'idempotencyKeys' | 'memories'>>(
      key: Key,
    ) {
      return async (): Promise<StoreFixture<GatewayStorage[Key]>> => {
        const { storage, connectAnother } = opened()
        return {
          store: storage[key],
          connectAnother: connectAnother && (async () => (await connectAnother())[key]),
          cleanup: async () => {},
        }
      }
    }
    defineExecutionStoreConformance(test, name, part('executions'), options)
    defineSessionStoreConformance(test, name, part('sessions'), options)
    defineDashboardSessionStoreConformance(test, name, part('dashboardSessions'), options)
    defineSecretStoreConformance(test, name, part('secrets'), options)
    defineAgentOverrideStoreConformance(test, name, part('agentOverrides'), options)
    defineLoginFailureStoreConformance(test, name, part('loginFailures'), options)
    defineMcpServerStoreConformance(test, name, part('mcpServers'), options)
    // Leases are optional: a storage without them is run against in-process leases, which the
    // gateway does not use for it (each instance then reconciles on its own).
    defineLeaseStoreConformance(
      test,
      name,
      async () => {
        const { storage, connectAnother } = opened()
        const store = storage.leases ?? createMemoryLeaseStore()
        return {
          store,
          connectAnother:
            storage.leases && connectAnother && (async () => (await connectAnother()).leases ?? store),
          cleanup: async () => {},
        }
      },
      options,
    )
    defineIdempotencyStoreConformance(
      test,
      name,
      async () => {
        const { storage, connectAnother } = opened()
        const store = storage.idempotencyKeys ?? createMemoryIdempotencyStore()
        return {
          store,
          connectAnother:
            storage.idempotencyKeys &&
            connectAnother &&
            (async () => (await connectAnother()).idempotencyKeys ?? store),
          cleanup: async () => {},
        }
      },
      options,
    )
    defineScheduleStoreConformance(test, name, part('schedules'), options)
    defineDeliveryLogConformance(test, name, part('deliveries'), options)
    definePersonalConfigStoreConformance(test, name, part('personalConfigs'), options)
    // Memories are optional: a storage without them is run against in-process memories.
    defineMemoryStoreConformance(
      test,
      name,
      async () => {
        const { storage, connectAnother } = opened()
        const store = storage.memories ?? createMemoryMemoryStore()
        return {
          store,
          connectAnother:
            storage.memories && connectAnother && (async () => (await connectAnother()).memories ?? store),
          cleanup: async () => {},
        }
      },
      options,
    )
    defineAuditLogConformance(
      test,
      name,
      async () => ({
        ...(await part('audit')()),
        recorded: () => opened().recordedAuditEvents(),
        unavailable: () => opened().unavailableAuditLog(),
      }),
      options,
    )
  })
}
