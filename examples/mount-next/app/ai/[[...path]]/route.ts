import { toNextHandlers } from 'agentgw/next'
import { gateway } from '../../../lib/gateway'

// The gateway reads its workspace from disk: Node.js runtime, never cached.
export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

// `/ai` is this folder's path. Pass Next's basePath when next.config sets one: some Next
// versions leave it out of route handlers' request.url. With `trailingSlash: true` in
// next.config, pass `trailingSlash: true` here too, so the gateway's links follow it.
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD } = toNextHandlers(gateway, {
  mountPath: '/ai',
  basePath: process.env.NEXT_BASE_PATH ?? '',
})
