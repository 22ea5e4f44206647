import assert from 'node:assert/strict'
import type { DeliveryLog, DeliveryRecord } from '../core/ports/delivery-log.ts'
import { defineStoreSuite, type StoreFixture, type StoreSuiteOptions } from './store-suite.ts'
import type { TestFunctions } from './test-functions.ts'
import { uniqueId } from './unique-id.ts'

const start = 1_700_000_000_000

function delivery(overrides: Partial<DeliveryRecord> = {}): DeliveryRecord {
  return {
    id: uniqueId('msg'),
    executionId: uniqueId('exec'),
    agentId: uniqueId('agent'),
    principalId: 'owner-a',
    event: 'execution.completed',
    channel: 'webhook',
    target: 'ops',
    body: '{"event":"execution.completed"}',
    status: 'pending',
    attempts: 0,
    lastAllowedAttempt: 3,
    lastStatusCode: null,
    lastError: null,
    nextAttemptAt: start,
    createdAt: start,
    updatedAt: start,
    deliveredAt: null,
    ...overrides,
  }
}

const attempt = (deliveryId: string, number: number, statusCode: number | null, error: string | null) => ({
  deliveryId,
  attempt: number,
  statusCode,
  latencyMs: 12,
  error,
  at: start + number,
})

/**
 * Registers the `DeliveryLog` conformance tests: every delivery log — shipped or your own — must
 * pass them.
 *
 * Covered: a delivery is stored once (a second create of its id changes nothing); attempts are
 * recorded in order and only from the attempt count they follow, so a duplicate attempt is
 * recorded once, also across two handles; a success marks it delivered; a dead delivery reopens
 * with more attempts and the same body, a pending one does not; listing filters, counts and
 * pages newest first.
 */
export function defineDeliveryLogConformance(
  test: TestFunctions,
  name: string,
  factory: () => Promise<StoreFixture<DeliveryLog>>,
  options?: StoreSuiteOptions,
): void {
  defineStoreSuite(
    test,
    `DeliveryLog conformance: ${name}`,
    factory,
    (fixture, it) => {
      it('stores a delivery once; a second create of its id changes nothing', async () => {
        const log = fixture.store()
        const record = delivery()
        assert.equal(await log.create(record), true)
        assert.equal(await (await fixture.another()).create({ ...record, body: 'other' }), false)
        assert.deepEqual(await log.get(record.id), record)
        assert.equal(await log.get(uniqueId('missing')), undefined)
      })

      it('records attempts in order, once each, and marks a success delivered', async () => {
        const [log, other] = [fixture.store(), await fixture.another()]
        const record = delivery()
        await log.create(record)
        const first = {
          attempt: attempt(record.id, 1, 500, 'HTTP 500'),
          status: 'pending' as const,
          nextAttemptAt: start + 1000,
        }
        const results = await Promise.all([
          log.recordAttempt(record.id, first),
          other.recordAttempt(record.id, first),
        ])
        assert.deepEqual([...results].sort(), [false, true])
        assert.equal(
          await log.recordAttempt(record.id, {
            attempt: attempt(record.id, 3, 200, null),
            status: 'delivered',
            nextAttemptAt: null,
          }),
          false,
          'attempt 3 cannot follow attempt 1',
        )
        assert.equal(
          await log.recordAttempt(record.id, {
            attempt: attempt(record.id, 2, 200, null),
            status: 'delivered',
            nextAttemptAt: null,
          }),
          true,
        )
        const stored = await log.get(record.id)
        assert.equal(stored?.status, 'delivered')
        assert.equal(stored?.attempts, 2)
        assert.equal(stored?.lastStatusCode, 200)
        assert.equal(stored?.deliveredAt, start + 2)
        assert.equal(stored?.nextAttemptAt, null)
        const attempts = await log.listAttempts(record.id)
        assert.deepEqual(
          attempts.map((item) => [item.attempt, item.statusCode, item.error, item.latencyMs]),
          [
            [1, 500, 'HTTP 500', 12],
            [2, 200, null, 12],
          ],
        )
        assert.equal(
          await log.recordAttempt(record.id, {
            attempt: attempt(record.id, 3, 200, null),
            status: 'delivered',
            nextAttemptAt: null,
          }),
          false,
          'a delivered delivery takes no more attempts',
        )
        assert.deepEqual(await log.listAttempts(uniqueId('missing')), [])
      })

      it('reopens a dead delivery with more attempts and the same body, never a pending one', async () => {
        const log = fixture.store()
        const record = delivery({ lastAllowedAttempt: 1 })
        await log.create(record)
        assert.equal(
          await log.reopen(record.id, 3, start + 5),
          undefined,
          'a pending delivery is not reopened',
        )
        await log.recordAttempt(record.id, {
          attempt: attempt(record.id, 1, null, 'connection refused'),
          status: 'dead',
          nextAttemptAt: null,
        })
        const reopened = await log.reopen(record.id, 3, start + 10)
        assert.equal(reopened?.status, 'pending')
        assert.equal(reopened?.lastAllowedAttempt, 4)
        assert.equal(reopened?.body, record.body)
        assert.equal(reopened?.attempts, 1)
        assert.equal(await log.reopen(record.id, 3, start + 11), undefined)
        assert.equal(await log.reopen(uniqueId('missing'), 3, start), undefined)
      })

      it('lists by filter, newest first, with the total and pages', async () => {
        const log = fixture.store()
        const agentId = uniqueId('agent')
        const records = [0, 1, 2].map((index) =>
          delivery({ agentId, createdAt: start + index, principalId: index === 1 ? 'owner-b' : 'owner-a' }),
        )
        for (const record of records) await log.create(record)
        await log.create(delivery({ channel: 'slack', agentId, createdAt: start + 3, principalId: null }))
        const all = await log.list({ agentId, limit: 10, offset: 0 })
        assert.equal(all.total, 4)
        assert.deepEqual(
          all.items.map((item) => item.createdAt),
          [start + 3, start + 2, start + 1, start],
        )
        const page = await log.list({ agentId, limit: 2, offset: 1 })
        assert.deepEqual(
          page.items.map((item) => item.createdAt),
          [start + 2, start + 1],
        )
        assert.equal(page.total, 4)
        assert.equal((await log.list({ agentId, channel: 'slack', limit: 10, offset: 0 })).total, 1)
        assert.equal((await log.list({ agentId, principalId: 'owner-a', limit: 10, offset: 0 })).total, 2)
        assert.equal((await log.list({ agentId, principalId: null, limit: 10, offset: 0 })).total, 1)
        const one = records[2]
        assert.ok(one)
        assert.equal(
          (await log.list({ executionId: one.executionId, limit: 10, offset: 0 })).items[0]?.id,
          one.id,
        )
        assert.equal((await log.list({ agentId, status: 'dead', limit: 10, offset: 0 })).total, 0)
      })
    },
    options,
  )
}
