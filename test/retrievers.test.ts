import type { LanguageModelV4CallOptions } from '@ai-sdk/provider'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSilentLogger } from '../src/core/logger.ts'
import { Gateway, type RetrieverContext } from '../src/index.ts'
import { createScriptedModel, type ScriptedModel } from '../src/testing/scripted-model.ts'
import { createTempWorkspace, type TempWorkspace } from './support/temp-workspace.ts'
import type { JsonBody } from './support/test-gateway.ts'

/*
 * Retrievers: an agent's `retrievers` are queried with the user's message before the first model
 * call; their passages go into the system prompt as a delimited section within a size budget,
 * each retrieval is a step of the trace, and the model can search with `use_retriever`.
 */

const lisbon =
  'Tram 28 climbs through Alfama and Graça, past the Sé cathedral. Locals call the yellow trams eléctricos.'
const paris = 'The Eiffel Tower was finished in 1889 for the World Fair on the Champ de Mars.'
const berlin = 'The Berlin Wall fell in November 1989; a stretch of it remains at the East Side Gallery.'

let workspace: TempWorkspace
let gateway: Gateway
let guideModel: ScriptedModel
let deskModel: ScriptedModel
let searchModel: ScriptedModel
const handbookCalls: { query: string; context: RetrieverContext }[] = []

const systemPrompt = (call: LanguageModelV4CallOptions | undefined) => {
  const system = call?.prompt.find((message) => message.role === 'system')
  return typeof system?.content === 'string' ? system.content : ''
}
const invoke = async (agentId: string, message: string) => {
  const response = await gateway.fetch(
    new Request(`http://gateway.test/v1/agents/${agentId}/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message }),
    }),
  )
  return { status: response.status, body: (await response.json()) as JsonBody }
}
const stepsOf = async (executionId: string) => {
  const response = await gateway.fetch(new Request(`http://gateway.test/v1/executions/${executionId}`))
  return ((await response.json()) as JsonBody).steps as JsonBody[]
}

beforeAll(async () => {
  workspace = await createTempWorkspace({
    'agents/guide/AGENT.md':
      '---\nmodel: test:guide\nretrievers: [context]\n---\nYou answer travel questions.\n',
    'agents/guide/context/lisbon.md': `# Lisbon\n\n${lisbon}\n`,
    'agents/guide/context/paris.md': `# Paris\n\n${paris}\n`,
    'agents/guide/context/berlin.md': `# Berlin\n\n${berlin}\n`,
    'agents/desk/AGENT.md':
      '---\nmodel: test:desk\nretrievers: [handbook, broken, missing]\n---\nYou help staff.\n',
    'agents/search/AGENT.md':
      '---\nmodel: test:search\nretrievers: [context]\ncontext: [agents/guide/context/paris.md]\n---\nYou search.\n',
  })
  gateway = new Gateway({ workspace: workspace.root, logger: createSilentLogger(), auth: { mode: 'none' } })
  guideModel = createScriptedModel([{ text: 'Take tram 28.' }])
  deskModel = createScriptedModel([{ text: 'Done.' }])
  searchModel = createScriptedModel((call) =>
    call.prompt.some((message) => message.role === 'tool')
      ? { text: 'found it' }
      : {
          toolCalls: [{ name: 'use_retriever', arguments: { query: 'When was the Eiffel Tower finished?' } }],
        },
  )
  gateway.useModel('test:guide', guideModel)
  gateway.useModel('test:desk', deskModel)
  gateway.useModel('test:search', searchModel)
  gateway.useRetriever('handbook', {
    retrieve(query, context) {
      handbookCalls.push({ query, context })
      if (query.includes('long')) return [{ text: `Policy: ${'x'.repeat(20_000)}`, source: 'handbook/long' }]
      return [{ text: 'Expenses are filed by the 5th of each month.', source: 'handbook/expenses', score: 3 }]
    },
  })
  gateway.useRetriever('broken', {
    retrieve() {
      throw new Error('index offline')
    },
  })
  await gateway.start()
})

afterAll(async () => {
  await gateway?.stop()
  await workspace?.remove()
})

describe('the built-in context retriever', () => {
  it('puts the right passage into the prompt, fenced, instead of every file', async () => {
    const run = await invoke('guide', 'Which tram goes through Alfama?')
    expect(run.status).toBe(200)
    expect(run.body.result.output).toBe('Take tram 28.')
    const system = systemPrompt(guideModel.calls.at(-1))
    expect(system).toContain('## Retrieved Context')
    expect(system).toContain(
      `<passage retriever="context" source="agents/guide/context/lisbon.md">\n# Lisbon\n\n${lisbon}\n</passage>`,
    )
    expect(system).not.toContain(paris)
    expect(system).not.toContain(berlin)
    expect(system).not.toContain('## Reference Material')
    const steps = await stepsOf(run.body.execution_id)
    expect(steps[0]).toMatchObject({
      type: 'retrieval',
      data: {
        retriever: 'context',
        query: 'Which tram goes through Alfama?',
        passages: [{ source: 'agents/guide/context/lisbon.md' }],
      },
    })
  })

  it('answers use_retriever calls, each one a step of the trace', async () => {
    const run = await invoke('search', 'Tell me about towers')
    expect(run.status).toBe(200)
    const toolResult = searchModel.calls.at(-1)?.prompt.find((message) => message.role === 'tool')
    expect(JSON.stringify(toolResult)).toContain('finished in 1889')
    const steps = await stepsOf(run.body.execution_id)
    const retrievals = steps.filter((step) => step.type === 'retrieval')
    expect(retrievals.map((step) => step.data.query)).toEqual([
      'Tell me about towers',
      'When was the Eiffel Tower finished?',
    ])
    expect(retrievals[1]?.data.passages).toEqual([
      expect.objectContaining({ source: 'agents/guide/context/paris.md' }),
    ])
  })
})

describe('retrievers registered with gw.useRetriever', () => {
  it('are queried with the message, and failing or missing ones are skipped and recorded', async () => {
    const run = await invoke('desk', 'How do I file expenses?')
    expect(run.status).toBe(200)
    expect(run.body.status).toBe('completed')
    expect(handbookCalls.at(-1)).toMatchObject({
      query: 'How do I file expenses?',
      context: { agentId: 'desk', executionId: run.body.execution_id, limit: 5 },
    })
    const system = systemPrompt(deskModel.calls.at(-1))
    expect(system).toContain(
      '<passage retriever="handbook" source="handbook/expenses">\nExpenses are filed by the 5th of each month.\n</passage>',
    )
    const steps = await stepsOf(run.body.execution_id)
    const byName = new Map(
      steps.filter((step) => step.type === 'retrieval').map((step) => [step.data.retriever, step.data]),
    )
    expect(byName.get('broken')?.error).toBe('index offline')
    expect(byName.get('missing')?.error).toContain('no retriever named "missing"')
    expect(byName.get('handbook')?.passages).toEqual([{ source: 'handbook/expenses', score: 3, chars: 44 }])
  })

  it('cut the retrieved context at context_retrieval.max_retrieved_chars', async () => {
    await invoke('desk', 'Show the long policy')
    const system = systemPrompt(deskModel.calls.at(-1))
    const section = system.slice(system.indexOf('<retrieved-context>'))
    expect(section).toContain('[… truncated]')
    expect(section.length).toBeLessThan(8000 + 500)
  })

  it('list the agent-level warnings for retrievers nobody registered', () => {
    expect(
      gateway.internalRuntime.diagnostics.some(
        (diagnostic) => diagnostic.subject?.id === 'desk' && diagnostic.message.includes('"missing"'),
      ),
    ).toBe(true)
  })
})
