import { fileURLToPath } from 'node:url'
import { Gateway } from 'agentgw'
import { attachGatewayToServer, toExpressHandler } from 'agentgw/express'
import express, { type Express } from 'express'

const workspace = fileURLToPath(new URL('../quickstart/workspace', import.meta.url))

/** An Express app with its own route at `/` and the quickstart gateway mounted at `/ai`. */
export function createApp(): { app: Express; gateway: Gateway } {
  const gateway = new Gateway({ workspace })
  const app = express()
  // The gateway first: it reads its own bodies, with its own limit (server.max_body_bytes) and
  // error envelopes. A parser in front of it would decide first — express.json() refuses
  // bodies over 100 KB with an HTML error page — and the gateway would get a re-encoded copy.
  app.use('/ai', toExpressHandler(gateway))
  app.use(express.json())
  app.get('/', (_request, response) => {
    response.json({ message: 'Main application' })
  })
  return { app, gateway }
}

if (import.meta.main) {
  const { app, gateway } = createApp()
  const port = Number(process.env.PORT ?? 3000)
  const server = app.listen(port, '127.0.0.1', () => {
    console.log(`Express host on http://127.0.0.1:${port}/ — gateway docs at /ai/docs`)
  })
  attachGatewayToServer(gateway, server)
  process.once('SIGINT', () => server.close())
  process.once('SIGTERM', () => server.close())
}
