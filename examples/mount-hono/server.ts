import { fileURLToPath } from 'node:url'
import { serve } from '@hono/node-server'
import { Gateway } from 'agentgw'
import { attachGatewayToServer } from 'agentgw/node'
import { Hono } from 'hono'

const workspace = fileURLToPath(new URL('../quickstart/workspace', import.meta.url))

/** A Hono app with its own route at `/` and the quickstart gateway mounted at `/ai`. */
export function createApp(): { app: Hono; gateway: Gateway } {
  const gateway = new Gateway({ workspace })
  const app = new Hono()
  app.get('/', (c) => c.json({ message: 'Main application' }))
  gateway.mountTo(app, '/ai')
  return { app, gateway }
}

if (import.meta.main) {
  const { app, gateway } = createApp()
  const port = Number(process.env.PORT ?? 3000)
  const server = serve(
    { fetch: app.fetch, port, hostname: '127.0.0.1', overrideGlobalObjects: false },
    () => {
      console.log(`Hono host on http://127.0.0.1:${port}/ — gateway docs at /ai/docs`)
    },
  )
  // The gateway starts when the server listens and stops when it closes.
  attachGatewayToServer(gateway, server)
  process.once('SIGINT', () => server.close())
  process.once('SIGTERM', () => server.close())
}
