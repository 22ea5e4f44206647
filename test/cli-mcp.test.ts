import path from 'node:path'
import { Client } from '@modelcontextprotocol/client'
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTempWorkspace, type TempWorkspace } from './support/temp-workspace.ts'
import { simpleAgent } from './support/test-gateway.ts'

const cli = path.resolve('bin/agentgw.js')

const files = {
  'agents/assistant/AGENT.md': simpleAgent(
    'You help.',
    'description: Answers questions about the weather\nmodel: mock:assistant\ntools: [weather]',
  ),
  'tools/weather/TOOL.md':
    '---\ndescription: Get the weather forecast for a city\nparameters:\n  city: {type: string, required: true}\n---\n',
  'tools/weather/handler.mjs':
    'export const handle = (args) => ({ city: args.city, forecast: "sunny-from-handler" })',
  'agents/off/AGENT.md': simpleAgent('Off.', 'enabled: false'),
}

describe('agentgw mcp (stdio)', () => {
  let workspace: TempWorkspace
  let client: Client
  let stderr = ''

  beforeAll(async () => {
    workspace = await createTempWorkspace(files)
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [cli, 'mcp', '--workspace', workspace.root],
      env: { ...(process.env as Record<string, string>), NO_COLOR: '1' },
      stderr: 'pipe',
    })
    transport.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    client = new Client({ name: 'agentgw-stdio-test', version: '1.0.0' })
    await client.connect(transport)
  }, 60_000)

  afterAll(async () => {
    await client?.close()
    await workspace?.remove()
  })

  it('lists the enabled agents as tools over stdio with the official client', async () => {
    const { tools } = await client.listTools()
    expect(tools.map((tool) => tool.name)).toEqual(['assistant'])
    expect(tools[0]?.inputSchema).toMatchObject({ required: ['message'] })
  })

  it('calls an agent over stdio, with progress, its tool running in the process', async () => {
    const progress: string[] = []
    const result = await client.callTool(
      { name: 'assistant', arguments: { message: 'What is the weather forecast in Paris?' } },
      { onprogress: (update) => progress.push(update.message ?? '') },
    )
    expect(result.isError, stderr).toBeFalsy()
    const text = (result.content as { text?: string }[]).map((part) => part.text ?? '').join('')
    expect(text).toContain('sunny-from-handler')
    expect(progress).toContain('calling tool weather')
  })
})
