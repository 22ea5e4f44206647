import { describe, expect, it } from 'vitest'
import { createMemoryEventBus } from '../../adapters/bus/memory-event-bus.ts'
import { createMemoryExecutionStore } from '../../adapters/storage/memory-execution-store.ts'
import { systemViewer, toViewer, unauthenticatedViewer, type Viewer } from '../../core/authorization.ts'
import { emptyUsage } from '../../core/execution-types.ts'
import { createSilentLogger } from '../../core/logger.ts'
import type { ExecutionRecord } from '../../core/ports/execution-store.ts'
import type { Principal } from '../../core/principal.ts'
import type { AgentRunner } from '../agent-runner.ts'
import { fromJobIdentity, toJobIdentity } from './job-identity.ts'
import { createQueuedJobHandler } from './queued-job-handler.ts'

const alice: Principal = {
  id: 'jwt:alice',
  kind: 'jwt',
  scopes: ['agents:invoke', 'crm:read'],
  name: 'Alice',
}

function queued(id: string, principalId: string | null): ExecutionRecord {
  return {
    id,
    agentId: 'helper',
    status: 'queued',
    kind: 'invoke',
    message: 'hi',
    input: {},
    options: { queued: true },
    result: null,
    error: null,
    usage: null,
    sessionId: null,
    principalId,
    parentExecutionId: null,
    rootExecutionId: id,
    depth: 0,
    attempts: 0,
    createdAt: 1,
    startedAt: null,
    completedAt: null,
    cancelRequestedAt: null,
  }
}

/** A handler over memory backends whose runner records who it ran as. */
function setUp() {
  const store = createMemoryExecutionStore()
  const ranAs: Viewer[] = []
  const runner: AgentRunner = {
    prepare: () => Promise.reject(new Error('not used')),
    chat: () => Promise.reject(new Error('not used')),
    async invoke(agentId, _message, options) {
      ranAs.push(options.viewer)
      const result = {
        output: 'ok',
        rawText: 'ok',
        stopReason: 'completed' as const,
        usage: emptyUsage(),
        error: null,
        validationErrors: null,
        durationMs: 1,
      }
      return { executionId: options.execution?.id ?? '', agentId, status: 'completed', result }
    },
  }
  const handle = createQueuedJobHandler({
    store,
    bus: createMemoryEventBus(),
    runner,
    logger: createSilentLogger(),
    maxAttempts: 1,
  })
  const deliver = (id: string, submittedBy: unknown) =>
    handle({ id, payload: { executionId: id, submittedBy }, attempt: 1 }, new AbortController().signal)
  return { store, ranAs, deliver }
}

describe('queued jobs', () => {
  it('run as the principal who submitted them, with its kind, scopes and name', async () => {
    const { store, ranAs, deliver } = setUp()
    await store.create(queued('exec_1', alice.id))
    // Through JSON, as every queue backend carries it.
    await deliver('exec_1', JSON.parse(JSON.stringify(toJobIdentity(toViewer(alice)))))
    expect(ranAs).toEqual([{ kind: 'principal', principal: alice }])
  })

  it('run unowned executions as the unauthenticated caller or the host code that queued them', async () => {
    const { store, ranAs, deliver } = setUp()
    await store.create(queued('exec_anonymous', null))
    await store.create(queued('exec_host', null))
    await deliver('exec_anonymous', toJobIdentity(unauthenticatedViewer))
    await deliver('exec_host', toJobIdentity(systemViewer))
    expect(ranAs).toEqual([unauthenticatedViewer, systemViewer])
  })

  it.each([
    ['another principal', toJobIdentity(toViewer({ ...alice, id: 'jwt:mallory' }))],
    ['the host code, for an owned execution', toJobIdentity(systemViewer)],
    ['no identity', undefined],
    ['a malformed identity', { kind: 'principal', principal: { id: alice.id, kind: 'jwt', scopes: '*' } }],
    [
      'an unknown principal kind',
      { kind: 'principal', principal: { id: alice.id, kind: 'root', scopes: [] } },
    ],
  ])('fail the execution without running it when the job carries %s', async (_, submittedBy) => {
    const { store, ranAs, deliver } = setUp()
    await store.create(queued('exec_2', alice.id))
    await deliver('exec_2', submittedBy)
    expect(ranAs).toEqual([])
    expect(await store.get('exec_2')).toMatchObject({
      status: 'failed',
      error: { code: 'execution_error', message: expect.stringContaining('identity') },
    })
  })
})

describe('job identities', () => {
  it('read back exactly what was written, and nothing from other shapes', () => {
    for (const viewer of [toViewer(alice), toViewer({ id: 'key:ci', kind: 'api_key', scopes: [] })]) {
      expect(fromJobIdentity(JSON.parse(JSON.stringify(toJobIdentity(viewer))))).toEqual(viewer)
    }
    for (const value of [
      null,
      'system',
      [],
      { kind: 'admin' },
      { kind: 'principal', principal: { id: '' } },
    ]) {
      expect(fromJobIdentity(value)).toBeUndefined()
    }
  })
})
