import { createSilentLogger } from '../../src/core/logger.ts'
import { Gateway, type GatewayOptions } from '../../src/index.ts'
import { addLiveStreamRoute, type LiveStreamProbe } from './live-stream.ts'
import { createTempWorkspace, type TempWorkspace } from './temp-workspace.ts'
import { simpleAgent } from './test-gateway.ts'

export interface MatrixGateway {
  gateway: Gateway
  workspace: TempWorkspace
  stream: LiveStreamProbe
  /** The agent ids in its workspace. */
  agentIds: string[]
  /** `server.max_body_bytes` of the gateway. */
  maxBodyBytes: number
  /** Adds the gateway's API key to a request (the matrix gateway requires one). */
  authorized(init?: RequestInit): RequestInit
}

/** The key `matrixAuth` accepts (all scopes). */
export const matrixApiKey = 'matrix-api-key-0123456789'

/** The dashboard of matrix gateways: one admin login (`matrixDashboardAdmin`). */
export const matrixDashboardAdmin = { username: 'matrix-admin', password: 'matrix-admin-password' }
export const matrixDashboard = {
  enabled: true,
  auth: { adminUsername: matrixDashboardAdmin.username, adminPassword: matrixDashboardAdmin.password },
}

/** API-key auth for matrix gateways, so scenarios also prove auth works under every host and prefix. */
export const matrixAuth = { mode: 'api_key' as const, apiKeys: [{ name: 'matrix', key: matrixApiKey }] }

const maxBodyBytes = 64 * 1024

/**
 * A gateway for host tests: a temp workspace with the given agents (plus an async `later`), open
 * auth unless `options.auth` says otherwise (`matrixAuth` requires `matrixApiKey`), silent logs,
 * a 64 KiB body limit,
 * absolute URLs for the host `127.0.0.1` only (`server.allowed_hosts`),
 * and three custom routes — `GET /test/hello`, `POST /test/echo` (returns the body it got,
 * with its content type) and the live-stream probe.
 */
export async function createMatrixGateway(
  agentIds: string[] = ['helper', 'writer'],
  options: GatewayOptions = {},
): Promise<MatrixGateway> {
  const workspace = await createTempWorkspace({
    ...Object.fromEntries(
      agentIds.map((id) => [`agents/${id}/AGENT.md`, simpleAgent('You help.', 'model: mock:echo')]),
    ),
    'agents/later/AGENT.md': simpleAgent(
      'You work in the background.',
      'execution_mode: async\nmodel: mock:echo',
    ),
  })
  const gateway = new Gateway({
    workspace: workspace.root,
    logger: createSilentLogger(),
    auth: { mode: 'none' },
    ...options,
    // Hosts listen on 127.0.0.1: absolute URLs are built for that host only (server.allowed_hosts).
    server: { maxBodyBytes, allowedHosts: ['127.0.0.1'], ...options.server },
  })
  gateway.route({ id: 'test.hello', method: 'GET', path: '/test/hello' }, (c) =>
    c.json({ hello: 'from a custom route', path: c.req.path }),
  )
  gateway.route({ id: 'test.echo', method: 'POST', path: '/test/echo' }, async (c) =>
    c.json({ contentType: c.req.header('content-type') ?? null, body: await c.req.text() }),
  )
  const stream = addLiveStreamRoute(gateway)
  return {
    gateway,
    workspace,
    stream,
    agentIds: [...agentIds, 'later'],
    maxBodyBytes: options.server?.maxBodyBytes ?? maxBodyBytes,
    authorized: (init = {}) => ({
      ...init,
      headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${matrixApiKey}` },
    }),
  }
}
