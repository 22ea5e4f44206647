import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { systemViewer } from '../src/core/authorization.ts'
import { readSse } from './support/read-sse.ts'
import { type SpawnedGateway, spawnGateway, waitFor } from './support/spawn-gateway.ts'
import { createTempWorkspace, type TempWorkspace } from './support/temp-workspace.ts'
import { createTestGateway, readJson, type TestGateway } from './support/test-gateway.ts'

const terminal = ['completed', 'failed', 'cancelled', 'timeout']

/** A tool that needs approval; every call appends its arguments to a file the test reads. */
const files = {
  'agents/payer/AGENT.md':
    '---\nexecution_mode: async\nmodel: mock:assistant\nskills: [paying]\n---\nPay when asked.\n',
  'agents/payer-now/AGENT.md':
    '---\nmodel: mock:assistant\nskills: [paying]\nnotifications:\n  on_approval:\n    - {channel: webhook, url: "http://127.0.0.1:9/approvers"}\n---\nPay when asked.\n',
  'agents/chatter/AGENT.md': '---\nmodel: mock:assistant\nskills: [paying]\n---\nPay when asked.\n',
  // The tool itself needs no approval; the agent's own policy asks for it.
  'agents/cautious/AGENT.md':
    '---\nmodel: mock:assistant\ntools: [lookup]\nrequire_approval: [lookup]\n---\nLook things up.\n',
  'tools/lookup/TOOL.md': '---\ndescription: Look up the invoice\nparameters:\n  id: {type: string}\n---\n',
  'tools/lookup/handler.mjs': 'export const handle = () => ({ found: true })\n',
  'skills/paying/SKILL.md': '---\ndescription: Paying\ntools: [pay]\n---\n',
  'tools/pay/TOOL.md':
    '---\ndescription: Pay the invoice\nparameters:\n  amount: {type: integer, required: true}\npermissions:\n  require_approval: true\n---\n',
  'tools/pay/handler.mjs': `import { appendFileSync } from 'node:fs'
export function handle(args) {
  appendFileSync(process.env.COUNTER_DIR + '/pay.txt', JSON.stringify(args) + '\\n')
  return { paid: args.amount }
}
`,
}

async function paymentsIn(dir: string): Promise<unknown[]> {
  const text = await readFile(path.join(dir, 'pay.txt'), 'utf8').catch(() => '')
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
}

const post = (base: string, route: string, body: unknown) =>
  fetch(`${base}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

describe('approval across a restart of every process (SQLite + embedded queue)', () => {
  let workspace: TempWorkspace
  const running: SpawnedGateway[] = []
  beforeAll(async () => {
    workspace = await createTempWorkspace({ 'gateway.yaml': 'auth:\n  mode: none\n', ...files })
  })
  afterEach(async () => {
    for (const gateway of running.splice(0)) await gateway.stop('SIGKILL')
  })
  afterAll(() => workspace.remove())

  const start = async () => {
    const gateway = await spawnGateway({ workspace: workspace.root, env: { COUNTER_DIR: workspace.root } })
    running.push(gateway)
    return gateway.url as string
  }
  const statusOf = async (base: string, id: string) => readJson(fetch(`${base}/v1/executions/${id}`))
  const settled = (base: string, id: string, wanted: string[]) =>
    waitFor(async () => {
      const record = await statusOf(base, id)
      return wanted.includes(record.status) ? record : undefined
    }, 30_000)

  it('pauses before the call, survives the restart, and runs the call once with the edited arguments', async () => {
    const first = await start()
    const accepted = await post(first, '/v1/agents/payer/invoke', { message: 'pay the invoice please' })
    expect(accepted.status).toBe(202)
    const { execution_id: approved } = await readJson(accepted)
    const rejectedResponse = await post(first, '/v1/agents/payer/invoke', {
      message: 'pay the invoice please',
    })
    const { execution_id: rejected } = await readJson(rejectedResponse)
    const paused = await settled(first, approved, ['awaiting_approval', ...terminal])
    expect(paused).toMatchObject({
      status: 'awaiting_approval',
      pending_approval: { tool_name: 'pay', arguments: { amount: expect.any(Number) } },
    })
    await settled(first, rejected, ['awaiting_approval'])
    expect(await paymentsIn(workspace.root)).toEqual([])
    await running.splice(0)[0]?.stop('SIGKILL')

    // Every process is gone; a new one decides and runs the rest.
    const second = await start()
    expect((await statusOf(second, approved)).status).toBe('awaiting_approval')
    const listed = await readJson(fetch(`${second}/v1/approvals`))
    expect(listed.items.map((item: { execution_id: string }) => item.execution_id).sort()).toEqual(
      [approved, rejected].sort(),
    )

    const badEdit = await post(second, `/v1/executions/${approved}/approvals`, {
      decision: 'approve',
      arguments: { amount: 'lots' },
    })
    expect(badEdit.status).toBe(422)
    const decided = await post(second, `/v1/executions/${approved}/approvals`, {
      decision: 'approve',
      arguments: { amount: 42 },
    })
    expect(decided.status).toBe(200)
    expect(await readJson(decided)).toMatchObject({ status: 'queued', pending_approval: null })
    const again = await post(second, `/v1/executions/${approved}/approvals`, { decision: 'approve' })
    expect(again.status).toBe(409)

    const done = await settled(second, approved, terminal)
    expect(done).toMatchObject({ status: 'completed' })
    expect(done.result.output).toContain('{"paid":42}')
    expect(await paymentsIn(workspace.root)).toEqual([{ amount: 42 }])

    const refused = await post(second, `/v1/executions/${rejected}/approvals`, {
      decision: 'reject',
      reason: 'the invoice is a duplicate',
    })
    expect(refused.status).toBe(200)
    const rejectedDone = await settled(second, rejected, terminal)
    expect(rejectedDone.status).toBe('completed')
    // The model read the rejection as the tool's result; the tool never ran.
    expect(rejectedDone.result.output).toContain('the invoice is a duplicate')
    expect(await paymentsIn(workspace.root)).toEqual([{ amount: 42 }])
  }, 120_000)
})

describe('approval in one process', () => {
  let t: TestGateway
  let counterDir: TempWorkspace
  beforeAll(async () => {
    counterDir = await createTempWorkspace()
    process.env.COUNTER_DIR = counterDir.root
    t = await createTestGateway(files, { guardrails: { approvalTimeoutSeconds: 60 } })
  })
  afterAll(async () => {
    await t.close()
    await counterDir.remove()
  })

  it('streams approval_required and ends the stream cleanly with status awaiting_approval', async () => {
    const response = await t.request('/v1/agents/payer-now/invoke', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'pay the invoice please', options: { stream: true } }),
    })
    const { events: frames } = await readSse(response)
    const events = frames.map((frame) => frame.event)
    expect(events.slice(-2)).toEqual(['approval_required', 'done'])
    expect(frames.at(-2)?.data).toMatchObject({ name: 'pay', arguments: { amount: expect.any(Number) } })
    expect(frames.at(-1)?.data).toMatchObject({
      status: 'awaiting_approval',
      stop_reason: 'awaiting_approval',
    })
    expect(await paymentsIn(counterDir.root)).toEqual([])
  })

  it('expires a pending approval into failed with approval_expired', async () => {
    const response = await t.request('/v1/agents/payer-now/invoke', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'pay the invoice please' }),
    })
    const body = await readJson(response)
    expect(body.status).toBe('awaiting_approval')
    const runtime = t.gateway.internalRuntime
    // The pause is a notification event, routed to the agent's on_approval targets.
    const planned = await waitFor(async () => {
      const { items } = await runtime.notifications.listVisible(
        { executionId: body.execution_id, limit: 10, offset: 0 },
        systemViewer,
      )
      return items.length > 0 ? items : undefined
    })
    expect(planned).toEqual([
      expect.objectContaining({
        event: 'execution.awaiting_approval',
        target: 'http://127.0.0.1:9/approvers',
      }),
    ])
    expect(await runtime.approvals.expire(Date.now())).toEqual([])
    expect(await runtime.approvals.expire(Date.now() + 61_000)).toContain(body.execution_id)
    const record = await readJson(t.request(`/v1/executions/${body.execution_id}`))
    expect(record).toMatchObject({ status: 'failed', error: { code: 'approval_expired' } })
    const late = await t.request(`/v1/executions/${body.execution_id}/approvals`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ decision: 'approve' }),
    })
    expect(late.status).toBe(409)
  })

  it("pauses on a tool the agent's own require_approval lists", async () => {
    const response = await t.request('/v1/agents/cautious/invoke', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'look up the invoice please' }),
    })
    const body = await readJson(response)
    expect(body).toMatchObject({ status: 'awaiting_approval' })
    const record = await readJson(t.request(`/v1/executions/${body.execution_id}`))
    expect(record.pending_approval).toMatchObject({ tool_name: 'lookup' })
  })

  it('never runs an approval-gated tool in a chat turn, which cannot pause', async () => {
    const response = await t.request('/v1/agents/chatter/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'pay the invoice please' }),
    })
    const body = await readJson(response)
    expect(body.status).toBe('completed')
    expect(JSON.stringify(body.result.output)).toContain('needs a human')
    expect(await paymentsIn(counterDir.root)).toEqual([])
  })
})
