import type { GatewayBindings } from '../../src/core/gateway-bindings.ts'
import { createSilentLogger } from '../../src/core/logger.ts'
import { Gateway, type GatewayOptions } from '../../src/index.ts'
import { createTempWorkspace, type TempWorkspace } from './temp-workspace.ts'

export interface TestGateway {
  gateway: Gateway
  workspace: TempWorkspace
  /** Sends a request to the gateway in-process. */
  request(path: string, init?: RequestInit, bindings?: GatewayBindings): Promise<Response>
  close(): Promise<void>
}

export const simpleAgent = (body = 'You are a helpful test agent.', front = 'description: A test agent') =>
  `---\n${front}\n---\n${body}\n`

/** A gateway on a throw-away workspace, open auth, silent logs. */
export async function createTestGateway(
  files: Record<string, string> = { 'agents/helper/AGENT.md': simpleAgent() },
  options: GatewayOptions = {},
): Promise<TestGateway> {
  const workspace = await createTempWorkspace(files)
  const gateway = new Gateway({
    workspace: workspace.root,
    logger: createSilentLogger(),
    auth: { mode: 'none' },
    ...options,
  })
  return {
    gateway,
    workspace,
    request: (path, init, bindings) =>
      gateway.fetch(new Request(new URL(path, 'http://gateway.test'), init), bindings),
    async close() {
      await gateway.stop()
      await workspace.remove()
    },
  }
}

// biome-ignore lint/suspicious/noExplicitAny: tests assert on arbitrary JSON bodies
export type JsonBody = Record<string, any>

/** The parsed JSON body of a response, for assertions. */
export async function readJson(response: Response | Promise<Response>): Promise<JsonBody> {
  return (await (await response).json()) as JsonBody
}
