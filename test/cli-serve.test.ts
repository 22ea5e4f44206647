import { describe, expect, it } from 'vitest'
import { spawnGateway } from './support/spawn-gateway.ts'

describe('agentgw serve', () => {
  it('serves the quickstart example and drains on SIGTERM', async () => {
    const gateway = await spawnGateway({
      workspace: 'examples/quickstart/workspace',
      env: { AGW_PERSISTENCE__ENABLED: 'false' },
    })
    const health = await (await fetch(`${gateway.url}/v1/health`)).json()
    expect(health).toMatchObject({ status: 'ok', agent_count: 4, skill_count: 3, tool_count: 3 })
    const docs = await fetch(`${gateway.url}/docs`)
    expect(docs.status).toBe(200)
    expect(await gateway.stop('SIGTERM')).toBe(0)
    expect(gateway.output()).toContain('"msg":"draining"')
  })
})
