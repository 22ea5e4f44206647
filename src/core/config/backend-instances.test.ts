import { describe, expect, it } from 'vitest'
import { ConfigError, formatConfigIssue } from '../errors.ts'
import { portMethods } from '../ports/port-shapes.ts'
import { splitBackendInstances } from './backend-instances.ts'
import { resolveConfig } from './resolve-config.ts'
import type { GatewayConfigInput } from './schema.ts'

const withMethods = (names: readonly string[], extra: Record<string, unknown> = {}) =>
  Object.fromEntries([...names.map((name) => [name, async () => undefined]), ...Object.entries(extra)])

const queue = withMethods(portMethods.JobQueue, { name: 'mine' })
const bus = withMethods(portMethods.EventBus)

/** The one-line messages of the ConfigError `run` throws. */
function refusal(run: () => unknown): string[] {
  try {
    run()
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map(formatConfigIssue)
    throw error
  }
  throw new Error('expected a ConfigError')
}

describe('splitBackendInstances', () => {
  it('takes instances out of the configuration and leaves names and the caller object alone', () => {
    const input = {
      queue: { backend: queue, workers: 2, eventBus: 'redis' },
      persistence: { backend: 'postgres' },
    }
    const split = splitBackendInstances(input as GatewayConfigInput)
    expect(split.instances).toEqual({ queue })
    expect(split.data).toEqual({
      queue: { workers: 2, eventBus: 'redis' },
      persistence: { backend: 'postgres' },
    })
    expect(split.named.sort()).toEqual(['eventBus', 'storage'])
    expect(input.queue.backend).toBe(queue)
  })

  it('accepts a class instance, whose methods live on its prototype', () => {
    class MyBus {
      async publish() {}
      async subscribe() {
        return async () => {}
      }
      async close() {}
    }
    const instance = new MyBus()
    expect(splitBackendInstances({ queue: { eventBus: instance } }).instances.eventBus).toBe(instance)
  })

  it('refuses an object that lacks part of the port, naming what is missing', () => {
    const { close: _close, ...partial } = queue
    expect(refusal(() => splitBackendInstances({ queue: { backend: partial as never } }))).toEqual([
      'options queue.backend: this object is not a JobQueue: it lacks close()',
    ])
  })

  it('says where an instance belongs when it is handed in the wrong place', () => {
    expect(refusal(() => splitBackendInstances({ queue: { backend: bus as never } }))).toEqual([
      'options queue.backend: expected a backend name or a JobQueue, got an EventBus: pass it as queue.event_bus',
    ])
    expect(refusal(() => splitBackendInstances({ rateLimit: { store: queue as never } }))).toEqual([
      'options rate_limit.store: expected a backend name or a RateLimitStore, got a JobQueue: pass it as queue.backend',
    ])
  })

  it('refuses what is neither a name nor an object', () => {
    expect(refusal(() => splitBackendInstances({ persistence: { backend: 42 as never } }))).toEqual([
      'options persistence.backend: expected a backend name or a GatewayStorage, got a number',
    ])
  })
})

describe('backend names outside code', () => {
  it('refuses a mapping where gateway.yaml names a backend, saying instances belong in code', () => {
    const [message] = refusal(() =>
      resolveConfig({ yaml: { file: 'ws/gateway.yaml', text: 'queue:\n  backend:\n    enqueue: yes\n' } }),
    )
    expect(message).toMatch(
      /^ws\/gateway\.yaml:2:\d+ queue\.backend: expected one of "embedded", "bullmq", "rabbitmq", "memory", "none" \(in code, a JobQueue instance also works\)$/,
    )
  })

  it('refuses an unknown name from an environment variable', () => {
    expect(refusal(() => resolveConfig({ env: { AGW_PERSISTENCE__BACKEND: 'mongodb' } }))).toEqual([
      'AGW_PERSISTENCE__BACKEND persistence.backend: expected one of "sqlite", "postgres" (in code, a GatewayStorage instance also works)',
    ])
  })
})
