import { fileURLToPath } from 'node:url'
import { Gateway } from 'agentgw'
import { toFastifyPlugin } from 'agentgw/fastify'
import Fastify, { type FastifyInstance } from 'fastify'

const workspace = fileURLToPath(new URL('../quickstart/workspace', import.meta.url))

/**
 * A Fastify app with its own route at `/` and the quickstart gateway at `/ai`. The gateway
 * starts on `ready()`/`listen()` and stops on `close()`.
 */
export async function build(): Promise<FastifyInstance> {
  const app = Fastify()
  app.get('/', async () => ({ message: 'Main application' }))
  await app.register(toFastifyPlugin(new Gateway({ workspace })), { prefix: '/ai' })
  return app
}

if (import.meta.main) {
  const app = await build()
  const port = Number(process.env.PORT ?? 3000)
  await app.listen({ port, host: '127.0.0.1' })
  console.log(`Fastify host on http://127.0.0.1:${port}/ — gateway docs at /ai/docs`)
  process.once('SIGINT', () => void app.close())
  process.once('SIGTERM', () => void app.close())
}
