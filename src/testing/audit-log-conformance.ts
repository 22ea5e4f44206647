import assert from 'node:assert/strict'
import type { AuditEvent, AuditLog } from '../core/ports/audit-log.ts'
import { assertLike } from './assert-like.ts'
import { defineStoreSuite, type StoreFixture, type StoreSuiteOptions } from './store-suite.ts'
import type { TestFunctions } from './test-functions.ts'
import { uniqueId } from './unique-id.ts'

/** An audit log under test, with what the suite needs to observe it. */
export interface AuditLogFixture extends StoreFixture<AuditLog> {
  /** Every event this log recorded so far, in any order, as read back from its backend. */
  recorded(): Promise<AuditEvent[]>
  /** A log of the same kind whose backend fails every write (closed connection, dead endpoint…). */
  unavailable(): Promise<AuditLog>
}

/**
 * Registers the `AuditLog` conformance tests: every audit log — shipped or your own — must pass
 * them. The fixture reads events back (`recorded`) and offers a log whose backend is down
 * (`unavailable`), since the port itself only writes.
 *
 * Covered: events are recorded with every field and JSON metadata; an event without metadata is
 * recorded too; concurrent records are all kept; recording on a backend that
 * fails resolves instead of rejecting.
 *
 * @example
 * ```ts
 * defineAuditLogConformance({ describe, it, beforeAll, afterAll }, 'my log', async () => ({
 *   store: myLog, recorded: readMyLog, unavailable: async () => myLogOn(deadEndpoint), cleanup,
 * }))
 * ```
 */
export function defineAuditLogConformance(
  test: TestFunctions,
  name: string,
  factory: () => Promise<AuditLogFixture>,
  options?: StoreSuiteOptions,
): void {
  defineStoreSuite(
    test,
    `AuditLog conformance: ${name}`,
    factory,
    (fixture, it) => {
      const audit = fixture.opened
      const recordedFor = async (resourceId: string) =>
        (await audit().recorded()).filter((event) => event.resourceId === resourceId)

      it('records events with every field and their JSON metadata', async () => {
        const log = fixture.store()
        const resourceId = uniqueId('resource')
        const events: AuditEvent[] = [
          {
            eventType: 'agent.updated',
            actor: 'user:admin',
            resourceType: 'agent',
            resourceId,
            metadata: { step: 1, fields: ['model', 'enabled'], before: { enabled: true }, note: 'ünïcødé' },
            ipAddress: '203.0.113.7',
          },
          {
            eventType: 'dashboard.login',
            actor: null,
            resourceType: null,
            resourceId,
            metadata: { step: 2 },
            ipAddress: null,
          },
          {
            eventType: 'agent.updated',
            actor: 'user:admin',
            resourceType: 'agent',
            resourceId,
            metadata: { step: 3 },
            ipAddress: '::1',
          },
        ]
        for (const event of events) await log.record(event)
        const recorded = (await recordedFor(resourceId)).sort(
          (a, b) => Number(a.metadata?.step) - Number(b.metadata?.step),
        )
        assertLike(recorded, events)
      })

      it('records an event without metadata', async () => {
        const resourceId = uniqueId('resource')
        const event = {
          eventType: 'session.deleted',
          actor: 'key:ci',
          resourceType: 'session',
          resourceId,
          ipAddress: null,
        }
        await fixture.store().record(event)
        assertLike(await recordedFor(resourceId), [event])
      })

      it('keeps every one of many concurrent records', async () => {
        const log = fixture.store()
        const resourceId = uniqueId('resource')
        const total = 20
        await Promise.all(
          Array.from({ length: total }, (_, index) =>
            log.record({
              eventType: 'execution.cancelled',
              actor: `user:${index}`,
              resourceType: 'execution',
              resourceId,
              metadata: { index },
              ipAddress: null,
            }),
          ),
        )
        const indexes = (await recordedFor(resourceId)).map((event) => event.metadata?.index)
        assert.deepEqual(
          [...indexes].sort((a, b) => Number(a) - Number(b)),
          Array.from({ length: total }, (_, index) => index),
        )
      })

      it('resolves instead of rejecting when its backend fails, so a request never fails for it', async () => {
        const broken = await audit().unavailable()
        await broken.record({
          eventType: 'agent.updated',
          actor: 'user:admin',
          resourceType: 'agent',
          resourceId: uniqueId('resource'),
          metadata: { lost: true },
          ipAddress: null,
        })
      })
    },
    options,
  )
}
