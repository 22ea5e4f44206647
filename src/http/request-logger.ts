import type { Context } from 'hono'
import type { Logger } from '../core/logger.ts'
import type { GatewayEnv } from './gateway-env.ts'

/** The gateway's logger with this request's id on every line (`requestId`). */
export function requestLogger(c: Context<GatewayEnv>): Logger {
  const logger = c.get('runtime').logger
  const requestId = c.get('requestId')
  return requestId ? logger.child({ requestId }) : logger
}
