import { describe } from 'vitest'
import { createMemoryQueue } from '../src/adapters/queue/memory-queue.ts'
import { defineJobQueueConformance } from '../src/testing/queue-conformance.ts'

describe('memory queue', () => {
  // One process, nothing to redeliver to: the redelivery test does not apply.
  defineJobQueueConformance(
    'memory',
    async ({ name, retry }) => {
      const queue = createMemoryQueue({ name, retry })
      return { queue, cleanup: () => queue.close() }
    },
    { redelivery: false },
  )
})
