import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach } from 'vitest'
import type { GatewayOptions } from '../../src/index.ts'
import { closeServer } from './http-server.ts'
import { createMatrixGateway, type MatrixGateway } from './matrix-gateway.ts'

/**
 * Per-test teardown for host tests: matrix gateways and servers created through it are stopped
 * after each test, newest first.
 */
export function useTestCleanups() {
  const cleanups: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })
  return {
    add(cleanup: () => Promise<void>): void {
      cleanups.push(cleanup)
    },
    /** A matrix gateway that is stopped and whose workspace is removed after the test. */
    async subject(agents?: string[], options?: GatewayOptions): Promise<MatrixGateway> {
      const created = await createMatrixGateway(agents, options)
      cleanups.push(async () => {
        await created.gateway.stop()
        await created.workspace.remove()
      })
      return created
    },
    /** Listens on an ephemeral loopback port; the server is closed after the test. */
    async listen(server: Server): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      cleanups.push(() => closeServer(server))
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    },
  }
}
