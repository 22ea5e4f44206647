import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { EngineEvent } from '../src/core/execution-types.ts'
import { createScriptedModel } from '../src/testing/scripted-model.ts'
import { everythingEntry, filesystemEntry } from './support/mcp-everything.ts'
import { createTestGateway, simpleAgent, type TestGateway } from './support/test-gateway.ts'

let t: TestGateway | undefined
const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  await t?.close()
  t = undefined
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const agent = (servers: string[]) =>
  simpleAgent('You use tools.', `description: Uses MCP\nmcp_servers: [${servers.join(', ')}]`)

function toolEvents(events: EngineEvent[]) {
  const calls = events.filter((event) => event.type === 'tool_call')
  const results = events.filter((event) => event.type === 'tool_result')
  return { calls, results }
}

describe('MCP tool servers over stdio', () => {
  it('offers server-everything tools, namespaced, to the agent that lists the server, and runs them', async () => {
    t = await createTestGateway(
      {
        'agents/helper/AGENT.md': agent(['everything']),
        'agents/strict/AGENT.md': simpleAgent('You add.', 'model: test:scripted\nmcp_servers: [everything]'),
        'agents/plain/AGENT.md': simpleAgent(),
      },
      {
        mcp: {
          servers: [
            {
              name: 'everything',
              transport: 'stdio',
              command: process.execPath,
              args: [everythingEntry, 'stdio'],
            },
          ],
        },
      },
    )
    t.gateway.useModel(
      'test:scripted',
      createScriptedModel([
        { toolCalls: [{ name: 'everything__get-sum', arguments: { a: 'not a number', b: 2 } }] },
        { text: 'done' },
      ]),
    )
    const events: EngineEvent[] = []
    const { status, result } = await t.gateway.invoke('helper', 'Echoes back the input string please', {
      input: { message: 'ping from agentgw' },
      onEvent: (event) => events.push(event),
    })
    expect(status).toBe('completed')
    const { calls, results } = toolEvents(events)
    expect(calls.map((call) => call.name)).toContain('everything__echo')
    const echo = results.find((event) => event.name === 'everything__echo')
    expect(echo).toMatchObject({ isError: false })
    expect(JSON.stringify(echo?.output)).toContain('ping from agentgw')
    expect(String(result.output)).toContain('ping from agentgw')

    // Structured content comes back as the structured value.
    const structured: EngineEvent[] = []
    await t.gateway.invoke('helper', 'Returns structured content along with output schema', {
      input: { location: 'Chicago' },
      onEvent: (event) => structured.push(event),
    })
    const weather = toolEvents(structured).results.find(
      (event) => event.name === 'everything__get-structured-content',
    )
    expect(weather).toMatchObject({ isError: false })
    expect(weather?.output).toMatchObject({ temperature: expect.any(Number), conditions: expect.any(String) })

    // Arguments are validated against the server's input schema before the server is called.
    const invalid: EngineEvent[] = []
    await t.gateway.invoke('strict', 'Add these', { onEvent: (event) => invalid.push(event) })
    const sum = toolEvents(invalid).results.find((event) => event.name === 'everything__get-sum')
    expect(sum).toMatchObject({ isError: true })
    expect(JSON.stringify(sum?.output)).toContain('invalid arguments')

    // An agent that does not list the server gets none of its tools.
    const plain: EngineEvent[] = []
    await t.gateway.invoke('plain', 'Echoes back the input string please', {
      onEvent: (event) => plain.push(event),
    })
    expect(toolEvents(plain).calls).toHaveLength(0)
  })

  it('reads files through server-filesystem, and a server-side error becomes an error result', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'agw-mcp-fs-'))
    cleanups.push(() => rm(dir, { recursive: true, force: true }))
    await writeFile(path.join(dir, 'notes.txt'), 'the quick brown fox')
    t = await createTestGateway(
      { 'agents/helper/AGENT.md': agent(['files']) },
      {
        mcp: {
          servers: [
            { name: 'files', transport: 'stdio', command: process.execPath, args: [filesystemEntry, dir] },
          ],
        },
      },
    )
    const events: EngineEvent[] = []
    await t.gateway.invoke('helper', 'Read the complete contents of a file as text', {
      input: { path: path.join(dir, 'notes.txt') },
      onEvent: (event) => events.push(event),
    })
    const read = toolEvents(events).results.find((event) => event.name === 'files__read_text_file')
    expect(read).toMatchObject({ isError: false })
    expect(JSON.stringify(read?.output)).toContain('the quick brown fox')

    const outside: EngineEvent[] = []
    await t.gateway.invoke('helper', 'Read the complete contents of a file as text', {
      input: { path: '/etc/hostname' },
      onEvent: (event) => outside.push(event),
    })
    const denied = toolEvents(outside).results.find((event) => event.name === 'files__read_text_file')
    expect(denied).toMatchObject({ isError: true })
    expect(JSON.stringify(denied?.output)).toMatch(/denied|outside|not allowed/i)
  })
})
