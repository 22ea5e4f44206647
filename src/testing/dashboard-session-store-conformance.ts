import assert from 'node:assert/strict'
import type { DashboardSessionRecord, DashboardSessionStore } from '../core/ports/dashboard-session-store.ts'
import { defineStoreSuite, type StoreFixture, type StoreSuiteOptions } from './store-suite.ts'
import type { TestFunctions } from './test-functions.ts'
import { uniqueId } from './unique-id.ts'

const now = 1_700_000_000_000
const hourMs = 3_600_000

function session(overrides: Partial<DashboardSessionRecord> = {}): DashboardSessionRecord {
  return {
    idHash: uniqueId('hash'),
    principalId: 'user:ops',
    username: 'ops',
    displayName: 'Öps “Team”',
    email: null,
    subject: null,
    authMethod: 'password',
    role: 'user',
    csrfToken: uniqueId('csrf'),
    createdAt: now,
    expiresAt: now + hourMs,
    ...overrides,
  }
}

/**
 * Registers the `DashboardSessionStore` conformance tests: every dashboard session store —
 * shipped or your own — must pass them. Times are passed in, so nothing waits for expiry.
 *
 * Covered: a session round-trips with every field; a missing or expired session (at its expiry
 * instant too) reads as `undefined`; creating an existing id rejects and keeps the first; a
 * sign-out on one handle is seen at once on another; `delete` is idempotent; `deleteExpired`
 * removes exactly the expired sessions and, run on two handles at once, counts each one once;
 * records read are copies.
 *
 * @example
 * ```ts
 * defineDashboardSessionStoreConformance({ describe, it, beforeAll, afterAll }, 'my store', openFixture)
 * ```
 */
export function defineDashboardSessionStoreConformance(
  test: TestFunctions,
  name: string,
  factory: () => Promise<StoreFixture<DashboardSessionStore>>,
  options?: StoreSuiteOptions,
): void {
  defineStoreSuite(
    test,
    `DashboardSessionStore conformance: ${name}`,
    factory,
    (fixture, it) => {
      it('round-trips a session with every field, for password and SSO logins', async () => {
        const store = fixture.store()
        const password = session()
        const sso = session({
          principalId: 'sso:sub-1',
          username: 'ada@example.com',
          email: 'ada@example.com',
          subject: 'sub-1',
          authMethod: 'sso',
          role: 'admin',
        })
        await store.create(password)
        await store.create(sso)
        assert.deepEqual(await store.get(password.idHash, now), password)
        assert.deepEqual(await (await fixture.another()).get(sso.idHash, now), sso)
      })

      it('reads a missing session, and one at or past its expiry, as undefined', async () => {
        const store = fixture.store()
        const record = session({ expiresAt: now + 1000 })
        await store.create(record)
        assert.equal(await store.get(uniqueId('missing'), now), undefined)
        assert.deepEqual(await store.get(record.idHash, now + 999), record)
        assert.equal(await store.get(record.idHash, now + 1000), undefined)
        assert.equal(await store.get(record.idHash, now + 5000), undefined)
      })

      it('rejects creating a session id that exists and keeps the first session', async () => {
        const store = fixture.store()
        const first = session()
        await store.create(first)
        await assert.rejects(store.create({ ...first, username: 'intruder', role: 'admin' }))
        assert.deepEqual(await store.get(first.idHash, now), first)
      })

      it('signs out everywhere at once: a delete on one handle is seen on the other', async () => {
        const store = fixture.store()
        const other = await fixture.another()
        const record = session()
        await store.create(record)
        assert.deepEqual(await other.get(record.idHash, now), record)
        await other.delete(record.idHash)
        assert.equal(await store.get(record.idHash, now), undefined)
        await store.delete(record.idHash)
        await store.delete(uniqueId('never-existed'))
      })

      it('removes exactly the expired sessions, each counted once when two handles sweep at once', async () => {
        const store = fixture.store()
        const other = await fixture.another()
        // Far in the future, so everything stored by other tests is expired by then.
        const later = now + 1000 * hourMs
        await store.deleteExpired(later)
        const expired = Array.from({ length: 6 }, (_, index) => session({ expiresAt: later + index + 1 }))
        const alive = session({ expiresAt: later + 100 })
        for (const record of [...expired, alive]) await store.create(record)
        const counts = await Promise.all([store.deleteExpired(later + 6), other.deleteExpired(later + 6)])
        assert.equal(counts[0] + counts[1], expired.length)
        for (const record of expired) assert.equal(await store.get(record.idHash, later), undefined)
        assert.deepEqual(await store.get(alive.idHash, later + 6), alive)
        assert.equal(await store.deleteExpired(later + 6), 0)
      })

      it('hands out copies: changing a read session does not change the store', async () => {
        const store = fixture.store()
        const record = session()
        await store.create(record)
        const read = await store.get(record.idHash, now)
        assert.ok(read)
        read.role = 'admin'
        read.expiresAt = now + 1000 * hourMs
        assert.deepEqual(await store.get(record.idHash, now), record)
      })
    },
    options,
  )
}
