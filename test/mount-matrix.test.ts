import { afterAll, beforeAll, describe, it } from 'vitest'
import { hostMatrix, type RunningHost, startHost } from '../src/testing/index.ts'
import {
  createMatrixGateway,
  type MatrixGateway,
  matrixAuth,
  matrixDashboard,
} from './support/matrix-gateway.ts'
import { matrixScenarios } from './support/matrix-scenarios.ts'

// Every scenario on every host × prefix cell, over real sockets. Standalone runs at "" only:
// a prefix in front of a standalone gateway is a proxy's job (see test/nginx-proxy.test.ts).
for (const cell of hostMatrix()) {
  describe(`${cell.kind} host, prefix "${cell.prefix}"`, () => {
    let subject: MatrixGateway
    let host: RunningHost
    beforeAll(async () => {
      subject = await createMatrixGateway(undefined, { auth: matrixAuth, dashboard: matrixDashboard })
      host = await startHost({ ...cell, gateway: subject.gateway })
    })
    afterAll(async () => {
      await host?.close()
      await subject?.workspace.remove()
    })

    for (const scenario of matrixScenarios) {
      if (scenario.appliesTo && !scenario.appliesTo(cell)) continue
      it(scenario.name, () => scenario.run({ host, subject }))
    }
  })
}
