import { createServer, type Server } from 'node:http'
import { fileURLToPath } from 'node:url'
import { Gateway } from 'agentgw'
import { attachGatewayToServer, toNodeHandler } from 'agentgw/node'

const workspace = fileURLToPath(new URL('../quickstart/workspace', import.meta.url))

/**
 * A plain `node:http` server: `/` is the host's own, everything under `/ai` goes to the
 * quickstart gateway. The gateway starts when the server listens and stops when it closes.
 */
export function createApp(): { server: Server; gateway: Gateway } {
  const gateway = new Gateway({ workspace })
  // The server routes by prefix without rewriting req.url, so tell the handler the prefix.
  const handleGateway = toNodeHandler(gateway, { mountPath: '/ai' })
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]
    if (path === '/' && request.method === 'GET') {
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ message: 'Main application' }))
    } else if (path === '/ai' || path?.startsWith('/ai/')) {
      handleGateway(request, response)
    } else {
      response.writeHead(404, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ message: 'Not found' }))
    }
  })
  return { server: attachGatewayToServer(gateway, server), gateway }
}

if (import.meta.main) {
  const { server } = createApp()
  const port = Number(process.env.PORT ?? 3000)
  server.listen(port, '127.0.0.1', () => {
    console.log(`node:http host on http://127.0.0.1:${port}/ — gateway docs at /ai/docs`)
  })
  process.once('SIGINT', () => server.close())
  process.once('SIGTERM', () => server.close())
}
