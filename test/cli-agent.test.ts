import { execFile, spawn } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const cli = path.resolve('bin/agentgw.js')
const workspace = 'examples/quickstart/workspace'
const env = { ...process.env, NO_COLOR: '1', AGW_MODEL: 'mock:assistant' }

describe('agentgw invoke', () => {
  it('streams tokens and tool activity to the terminal', async () => {
    const { stdout } = await run(
      process.execPath,
      [cli, 'invoke', 'weather', 'Outlook?', '-w', workspace, '-i', '{"city":"Lisbon"}'],
      { env },
    )
    expect(stdout).toContain('[tool get-weather {"city":"Lisbon","days":3}]')
    expect(stdout).toContain('Here is what I found.')
    expect(stdout).toMatch(/— completed, \d+ ms/)
  })

  it('prints structured output as JSON for scripts', async () => {
    const { stdout } = await run(
      process.execPath,
      [cli, 'invoke', 'summarizer', 'My flight is tomorrow', '-w', workspace, '--format', 'json'],
      { env },
    )
    const result = JSON.parse(stdout)
    expect(result).toMatchObject({
      agent_id: 'summarizer',
      status: 'completed',
      result: { output: { priority: 'low' } },
    })
    expect(Object.keys(result.result.output).sort()).toEqual(['bullets', 'priority', 'title'])
  })

  it('exits 1 with the error code for an unknown agent or invalid input', async () => {
    await expect(
      run(process.execPath, [cli, 'invoke', 'ghost', 'hi', '-w', workspace], { env }),
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('agent_not_found'),
    })
    await expect(
      run(process.execPath, [cli, 'invoke', 'weather', 'hi', '-w', workspace, '-i', '{}'], { env }),
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('input_validation_failed'),
    })
  })
})

describe('agentgw chat', () => {
  it('keeps one conversation across lines typed in', async () => {
    const child = spawn(process.execPath, [cli, 'chat', 'assistant', '-w', workspace], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.stdin.write('hello there\n')
    child.stdin.write('how do I cancel my booking?\n')
    child.stdin.end('exit\n')
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    expect(code).toBe(0)
    expect(output).toContain('You asked: "hello there"')
    expect(output).toContain('[tool search-faq')
    expect(output.match(/agent> /g)).toHaveLength(2)
  })
})
