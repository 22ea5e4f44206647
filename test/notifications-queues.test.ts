import { randomBytes } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { Redis } from 'ioredis'
import { Webhook } from 'standardwebhooks'
import { afterAll, describe, expect, it } from 'vitest'
import type { GatewayOptions } from '../src/index.ts'
import { closeServer, listenOnLoopback } from './support/http-server.ts'
import { requireService } from './support/requirements.ts'
import { rabbitmqUrl, redisUrl, uniqueName } from './support/services.ts'
import { waitFor } from './support/spawn-gateway.ts'
import { createTestGateway, simpleAgent, type TestGateway } from './support/test-gateway.ts'

const secret = `whsec_${randomBytes(32).toString('base64')}`

/** A receiver that fails twice, then accepts, and keeps every request. */
async function flakyReceiver() {
  const received: { headers: Record<string, string>; body: string }[] = []
  const { server, port } = await listenOnLoopback((request: IncomingMessage, response) => {
    let body = ''
    request.setEncoding('utf8')
    request.on('data', (chunk: string) => {
      body += chunk
    })
    request.on('end', () => {
      received.push({ headers: request.headers as Record<string, string>, body })
      response.writeHead(received.length <= 2 ? 500 : 200)
      response.end()
    })
  })
  return { server, port, received }
}

const redis = await requireService('Redis', 6379)
const rabbitmq = await requireService('RabbitMQ', 5672)

const keyPrefix = uniqueName('agw-notify')
const backends: { name: string; available: boolean; queue: () => GatewayOptions['queue'] }[] = [
  {
    name: 'bullmq',
    available: redis.available,
    queue: () => ({ backend: 'bullmq', redisUrl, keyPrefix, queueName: uniqueName('notify') }),
  },
  {
    name: 'rabbitmq',
    available: rabbitmq.available,
    queue: () => ({ backend: 'rabbitmq', rabbitmqUrl, queueName: uniqueName('agw-notify') }),
  },
]

afterAll(async () => {
  if (!redis.available) return
  // Only this file's keys: the shared Redis is never flushed.
  const connection = new Redis(redisUrl)
  const keys = await connection.keys(`${keyPrefix}*`)
  if (keys.length > 0) await connection.del(...keys)
  await connection.quit()
})

for (const backend of backends) {
  describe.skipIf(!backend.available)(`notifications on the ${backend.name} queue`, () => {
    let gateway: TestGateway | undefined
    let receiver: Awaited<ReturnType<typeof flakyReceiver>> | undefined
    afterAll(async () => {
      await gateway?.close()
      await closeServer(receiver?.server)
    })

    it('delivers through the queue with retries: three attempts, one success, verified signatures', async () => {
      receiver = await flakyReceiver()
      gateway = await createTestGateway(
        {
          'agents/reporter/AGENT.md': simpleAgent(
            'Answer.',
            'model: mock:echo\nnotifications:\n  on_complete:\n    - {channel: webhook, target: hook}',
          ),
        },
        {
          queue: backend.queue(),
          notifications: {
            allowedNetworks: ['loopback'],
            retryBackoffMs: 50,
            maxAttempts: 4,
            webhooks: [{ name: 'hook', url: `http://127.0.0.1:${receiver.port}/hook`, secret }],
          },
        },
      )
      await gateway.gateway.start()
      const run = await gateway.gateway.invoke('reporter', 'hello')
      const runtime = gateway.gateway.internalRuntime
      const system = { kind: 'system' } as const
      const delivery = await waitFor(async () => {
        const { items } = await runtime.notifications.listVisible(
          { executionId: run.executionId, limit: 10, offset: 0 },
          system,
        )
        return items[0]?.status === 'delivered' ? items[0] : undefined
      }, 30_000)
      const { attempts } = await runtime.notifications.getVisible(delivery.id, system)
      expect(attempts.map((attempt) => attempt.statusCode)).toEqual([500, 500, 200])
      expect(receiver.received).toHaveLength(3)
      for (const request of receiver.received) {
        expect(request.headers['webhook-id']).toBe(delivery.id)
        expect(() => new Webhook(secret).verify(request.body, request.headers)).not.toThrow()
      }
    })
  })
}
