import type { LanguageModelV4CallOptions } from '@ai-sdk/provider'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSilentLogger } from '../src/core/logger.ts'
import { Gateway } from '../src/index.ts'
import { createScriptedModel, type ScriptedStep } from '../src/testing/scripted-model.ts'
import { readSse } from './support/read-sse.ts'
import { createTempWorkspace, type TempWorkspace } from './support/temp-workspace.ts'
import type { JsonBody } from './support/test-gateway.ts'

/*
 * Delegation: an agent with `delegates_to` gets the `delegate_to_agent` tool; each delegated
 * run is a real child execution linked to its parent and root, limited by
 * `guardrails.max_delegation_depth`, cancelled with its parent, and the workflow's usage adds up.
 */

const agent = (front: string, body = 'You work.') => `---\n${front}\n---\n${body}\n`

let workspace: TempWorkspace
let gateway: Gateway

const request = (path: string, init: RequestInit = {}) =>
  gateway.fetch(
    new Request(new URL(`/ai${path}`, 'http://gateway.test'), {
      ...init,
      headers: init.body ? { 'content-type': 'application/json' } : {},
    }),
    { mountPath: '/ai' },
  )
const json = async (path: string, init: RequestInit = {}) => {
  const response = await request(path, init)
  return { status: response.status, body: (await response.json()) as JsonBody }
}
const post = (path: string, body: unknown) => json(path, { method: 'POST', body: JSON.stringify(body) })

const hasToolResult = (call: LanguageModelV4CallOptions) =>
  call.prompt.some((message) => message.role === 'tool')
const toolResultText = (call: LanguageModelV4CallOptions) =>
  JSON.stringify(call.prompt.filter((message) => message.role === 'tool'))

/** A model that delegates once, then answers with what the tool returned. */
function delegating(target: string, message: string) {
  return createScriptedModel(
    (call): ScriptedStep =>
      hasToolResult(call)
        ? { text: `done: ${toolResultText(call)}` }
        : { toolCalls: [{ name: 'delegate_to_agent', arguments: { agent_id: target, message } }] },
  )
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 20_000
  for (;;) {
    const value = await read()
    if (done(value)) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

beforeAll(async () => {
  workspace = await createTempWorkspace({
    'agents/alpha/AGENT.md': agent('description: Plans\nmodel: test:alpha\ndelegates_to: [beta]'),
    'agents/beta/AGENT.md': agent('description: Researches\nmodel: test:beta\ndelegates_to: [gamma]'),
    'agents/gamma/AGENT.md': agent('description: Knows facts\nmodel: test:gamma'),
    'agents/rogue/AGENT.md': agent('model: test:rogue\ndelegates_to: [gamma]'),
    'agents/loop/AGENT.md': agent('model: test:loop\ndelegates_to: [loop]'),
    'agents/plain/AGENT.md': agent('model: test:gamma'),
    'agents/parent/AGENT.md': agent('model: test:parent\ndelegates_to: [middle]'),
    'agents/middle/AGENT.md': agent('model: test:middle\ndelegates_to: [sleeper]'),
    'agents/sleeper/AGENT.md': agent('model: mock:hang'),
  })
  gateway = new Gateway({
    workspace: workspace.root,
    logger: createSilentLogger(),
    auth: { mode: 'none' },
    persistence: { url: ':memory:' },
    guardrails: { maxDelegationDepth: 2 },
  })
  gateway.useDashboard({ authEnabled: false })
  gateway.useModel('test:alpha', delegating('beta', 'research this'))
  gateway.useModel('test:beta', delegating('gamma', 'what is the fact?'))
  gateway.useModel('test:gamma', createScriptedModel([{ text: 'the fact is 42' }]))
  gateway.useModel('test:rogue', delegating('beta', 'sneak past the list'))
  gateway.useModel('test:loop', delegating('loop', 'go deeper'))
  gateway.useModel('test:parent', delegating('middle', 'pass it on'))
  gateway.useModel('test:middle', delegating('sleeper', 'wait'))
  await gateway.start()
})

afterAll(async () => {
  await gateway?.stop()
  await workspace?.remove()
})

describe('delegation', () => {
  it('runs A → B → C as three linked executions, reports the workflow total and serves the tree', async () => {
    const run = await post('/v1/agents/alpha/invoke', { message: 'plan it' })
    expect(run.status).toBe(200)
    expect(run.body.status).toBe('completed')
    expect(run.body.result.output).toContain('the fact is 42')
    const rootId = run.body.execution_id as string

    const listed = await json(`/v1/executions?root_execution_id=${rootId}`)
    expect(listed.body.items).toHaveLength(3)
    const byAgent = new Map((listed.body.items as JsonBody[]).map((item) => [item.agent_id, item]))
    const [alpha, beta, gamma] = ['alpha', 'beta', 'gamma'].map((id) => byAgent.get(id) as JsonBody)
    expect(alpha).toMatchObject({ parent_execution_id: null, root_execution_id: rootId, delegation_depth: 0 })
    expect(beta).toMatchObject({
      parent_execution_id: rootId,
      root_execution_id: rootId,
      delegation_depth: 1,
    })
    expect(gamma).toMatchObject({
      parent_execution_id: beta?.execution_id,
      root_execution_id: rootId,
      delegation_depth: 2,
      message: 'what is the fact?',
      status: 'completed',
    })
    // Each execution keeps its own usage and trace; the caller gets the workflow's total.
    expect([alpha?.usage.llm_calls, beta?.usage.llm_calls, gamma?.usage.llm_calls]).toEqual([2, 2, 1])
    expect(run.body.usage.llm_calls).toBe(5)
    const betaTrace = await json(`/v1/executions/${beta?.execution_id}`)
    const delegated = (betaTrace.body.steps as JsonBody[]).find((step) => step.type === 'tool_result')
    expect(JSON.stringify(delegated?.data.output)).toContain(gamma?.execution_id)

    for (const id of [rootId, gamma?.execution_id]) {
      const workflow = await json(`/v1/executions/${id}/workflow`)
      expect(workflow.status).toBe(200)
      expect(workflow.body).toMatchObject({
        root_execution_id: rootId,
        execution_count: 3,
        usage: { llm_calls: 5 },
        tree: {
          execution_id: rootId,
          agent_id: 'alpha',
          children: [
            {
              agent_id: 'beta',
              delegation_depth: 1,
              children: [{ agent_id: 'gamma', execution_id: gamma?.execution_id, children: [] }],
            },
          ],
        },
      })
    }
    expect((await json('/v1/executions/exec_missing/workflow')).status).toBe(404)

    // The dashboard's execution page shows the parent, the children and the workflow's totals.
    const page = await (
      await gateway.fetch(new Request(`http://gateway.test/ai/dashboard/executions/${beta?.execution_id}`), {
        mountPath: '/ai',
      })
    ).text()
    expect(page).toContain('data-testid="workflow"')
    expect(page).toContain(`data-testid="workflow-parent" href="/ai/dashboard/executions/${rootId}"`)
    expect(page).toContain(`href="/ai/dashboard/executions/${gamma?.execution_id}"`)
    expect(page).toMatch(/data-testid="workflow-calls">5</)
    expect(page.match(/data-testid="workflow-node"/g)).toHaveLength(3)
  })

  it('streams the delegation as tool_call and tool_result frames carrying the child execution id', async () => {
    const response = await request('/v1/agents/beta/invoke', {
      method: 'POST',
      body: JSON.stringify({ message: 'look it up', options: { stream: true } }),
    })
    const { events } = await readSse(response)
    const call = events.find((event) => event.event === 'tool_call')?.data as JsonBody
    const result = events.find((event) => event.event === 'tool_result')?.data as JsonBody
    expect(call).toMatchObject({ name: 'delegate_to_agent' })
    expect(result.output).toMatchObject({ agent_id: 'gamma', status: 'completed', output: 'the fact is 42' })
    const child = await json(`/v1/executions/${result.output.execution_id}`)
    expect(child.body).toMatchObject({ agent_id: 'gamma', delegation_depth: 1 })
    expect(events.at(-1)?.event).toBe('done')
  })

  it('stops at guardrails.max_delegation_depth with a clear tool error', async () => {
    const run = await post('/v1/agents/loop/invoke', { message: 'dig' })
    expect(run.status).toBe(200)
    const listed = await json(`/v1/executions?root_execution_id=${run.body.execution_id}`)
    const depths = (listed.body.items as JsonBody[]).map((item) => item.delegation_depth).sort()
    expect(depths).toEqual([0, 1, 2])
    const deepest = (listed.body.items as JsonBody[]).find((item) => item.delegation_depth === 2) as JsonBody
    const trace = await json(`/v1/executions/${deepest.execution_id}`)
    const refused = (trace.body.steps as JsonBody[]).find((step) => step.type === 'tool_result')
    expect(refused?.data.is_error).toBe(true)
    expect(JSON.stringify(refused?.data.output)).toMatch(
      /delegation depth limit reached.*max_delegation_depth is 2/,
    )
  })

  it('refuses a target outside delegates_to, and offers no tool to an agent without it', async () => {
    const run = await post('/v1/agents/rogue/invoke', { message: 'try' })
    expect(run.status).toBe(200)
    const trace = await json(`/v1/executions/${run.body.execution_id}`)
    const refused = (trace.body.steps as JsonBody[]).find((step) => step.type === 'tool_result')
    expect(refused?.data.is_error).toBe(true)
    expect(JSON.stringify(refused?.data.output)).toContain('not in the delegates_to list of \\"rogue\\"')
    const listed = await json(`/v1/executions?root_execution_id=${run.body.execution_id}`)
    expect(listed.body.items).toHaveLength(1)
    const agents = await json('/v1/agents/plain')
    expect(agents.body.tools).not.toContain('delegate_to_agent')
  })

  it('cancelling the parent cancels its children and theirs', async () => {
    let rootId = ''
    const running = gateway.invoke('parent', 'start', {
      onStart: ({ executionId }) => {
        rootId = executionId
      },
    })
    await waitFor(
      async () => (rootId ? (await json(`/v1/executions?root_execution_id=${rootId}`)).body.items : []),
      (items: JsonBody[]) => items.length === 3 && items.every((item) => item.status === 'running'),
      'three running executions',
    )
    const cancel = await post(`/v1/executions/${rootId}/cancel`, {})
    expect(cancel.status).toBe(202)
    const outcome = await running
    expect(outcome.status).toBe('cancelled')
    const items = await waitFor(
      async () => (await json(`/v1/executions?root_execution_id=${rootId}`)).body.items as JsonBody[],
      (list) => list.every((item) => item.status !== 'running'),
      'every execution to stop',
    )
    expect(items.map((item) => [item.agent_id, item.status]).sort()).toEqual([
      ['middle', 'cancelled'],
      ['parent', 'cancelled'],
      ['sleeper', 'cancelled'],
    ])
  })
})
