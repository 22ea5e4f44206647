import assert from 'node:assert/strict'
import type { McpServerStore, StoredMcpServer } from '../core/ports/mcp-server-store.ts'
import { defineStoreSuite, type StoreFixture, type StoreSuiteOptions } from './store-suite.ts'
import type { TestFunctions } from './test-functions.ts'
import { uniqueId } from './unique-id.ts'

function server(overrides: Partial<StoredMcpServer> = {}): StoredMcpServer {
  return {
    name: uniqueId('mcp')
      .toLowerCase()
      .replace(/[^a-z0-9_-]/g, '-'),
    transport: 'stdio',
    command: 'node',
    args: ['server.js', '--root', '/srv/«data»'],
    cwd: null,
    url: null,
    enabled: true,
    connectionTimeoutMs: null,
    toolCallTimeoutMs: 45_000,
    sealedSecrets: 'v1.key.sealed-text',
    secretNames: ['env.API_TOKEN', 'headers.X-Tenant'],
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    ...overrides,
  }
}

/**
 * Registers the `McpServerStore` conformance tests: every MCP server store — shipped or your own
 * — must pass them.
 *
 * Covered: a server round-trips (nulls, lists, booleans, numbers); `create` refuses a name that
 * exists and exactly one of concurrent creates of one name wins; `update` replaces the record
 * and refuses a missing name; `delete` reports whether there was one; changes are seen through
 * another handle; `list` is ordered by name; records read are copies.
 *
 * @example
 * ```ts
 * defineMcpServerStoreConformance({ describe, it, beforeAll, afterAll }, 'my store', openFixture)
 * ```
 */
export function defineMcpServerStoreConformance(
  test: TestFunctions,
  name: string,
  factory: () => Promise<StoreFixture<McpServerStore>>,
  options?: StoreSuiteOptions,
): void {
  defineStoreSuite(
    test,
    `McpServerStore conformance: ${name}`,
    factory,
    (fixture, it) => {
      it('round-trips a server, and create refuses a name that exists', async () => {
        const store = fixture.store()
        const stdio = server()
        const http = server({
          transport: 'streamable_http',
          command: null,
          args: [],
          cwd: null,
          url: 'https://mcp.example.com/mcp',
          enabled: false,
          connectionTimeoutMs: 5000,
          toolCallTimeoutMs: null,
          sealedSecrets: null,
          secretNames: [],
        })
        assert.equal(await store.create(stdio), true)
        assert.equal(await store.create(http), true)
        assert.deepEqual(await store.get(stdio.name), stdio)
        assert.deepEqual(await store.get(http.name), http)
        assert.equal(await store.create({ ...stdio, command: 'other' }), false)
        assert.deepEqual(await store.get(stdio.name), stdio)
        assert.equal(await store.get('no-such-server'), undefined)
      })

      it('updates, deletes and lists by name, seen through another handle', async () => {
        const store = fixture.store()
        const prefix = uniqueId('m')
          .toLowerCase()
          .replace(/[^a-z0-9]/g, '')
        const b = server({ name: `${prefix}-b` })
        const a = server({ name: `${prefix}-a` })
        await store.create(b)
        await store.create(a)
        const names = (await store.list())
          .map((entry) => entry.name)
          .filter((entry) => entry.startsWith(prefix))
        assert.deepEqual(names, [a.name, b.name])
        const changed = {
          ...a,
          enabled: false,
          args: [],
          sealedSecrets: null,
          secretNames: [],
          updatedAt: a.updatedAt + 1,
        }
        assert.equal(await store.update(changed), true)
        assert.deepEqual(await (await fixture.another()).get(a.name), changed)
        assert.equal(await store.update(server({ name: `${prefix}-missing` })), false)
        assert.equal(await store.delete(a.name), true)
        assert.equal(await store.delete(a.name), false)
        assert.equal(await (await fixture.another()).get(a.name), undefined)
      })

      it('lets exactly one of concurrent creates of one name win', async () => {
        const first = fixture.store()
        const second = await fixture.another()
        const base = server()
        const results = await Promise.all([
          first.create({ ...base, command: 'one' }),
          second.create({ ...base, command: 'two' }),
          first.create({ ...base, command: 'three' }),
        ])
        assert.equal(results.filter(Boolean).length, 1)
      })

      it('hands out copies', async () => {
        const store = fixture.store()
        const original = server()
        await store.create(original)
        const read = (await store.get(original.name)) as StoredMcpServer
        read.args.push('--changed')
        read.secretNames.length = 0
        assert.deepEqual(await store.get(original.name), original)
      })
    },
    options,
  )
}
