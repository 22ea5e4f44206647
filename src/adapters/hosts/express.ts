import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FetchGateway } from './gateway-like.ts'
import { toNodeHandler } from './node.ts'

/** Express middleware (structurally typed, so any Express 4/5 app accepts it). */
export type ExpressHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  next: (error?: unknown) => void,
) => void

/**
 * Mounts the gateway into an Express app: `app.use('/ai', toExpressHandler(gw))`. The prefix is
 * `req.originalUrl` minus `req.url`, so nested routers compose. Works after `express.json()`,
 * `express.text()`, `express.raw()` and `express.urlencoded()`: a consumed body is taken from
 * `req.rawBody` when present, else re-encoded from `req.body`; a body that cannot be rebuilt
 * faithfully goes to `next(error)` as an error named `ConsumedBodyError`.
 *
 * Lifecycle: `attachGatewayToServer(gw, app.listen(…))` from `agentgw/node`, or lazy start.
 *
 * @example
 * ```ts
 * const app = express()
 * app.get('/', (req, res) => res.json({ message: 'Main application' }))
 * app.use('/ai', toExpressHandler(gw))
 * ```
 */
export function toExpressHandler(gateway: FetchGateway): ExpressHandler {
  const handler = toNodeHandler(gateway)
  return function agentgwExpressHandler(request, response, next) {
    handler(request, response, next)
  }
}

/**
 * The former name of `toExpressHandler`, kept so existing apps keep working.
 *
 * @deprecated Use `toExpressHandler(gw)`; this alias goes away in a future major version.
 */
export const expressHandler: (gateway: FetchGateway) => ExpressHandler = toExpressHandler
