import { spawn } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const cli = path.resolve('bin/agentgw.js')

describe('agentgw serve', () => {
  it('serves the quickstart example and drains on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [cli, 'serve', '--workspace', 'examples/quickstart/workspace', '--port', '0', '--log-format', 'json'],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, AGW_TELEMETRY__LOG_LEVEL: 'info' } },
    )
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    let output = ''
    const listening = new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        const match = /"url":"(http:\/\/[^"]+)".*"msg":"gateway listening"/.exec(output)
        if (match) resolve(match[1] as string)
      })
      child.once('exit', () => reject(new Error(`exited before listening:\n${output}`)))
    })
    const url = await listening
    const health = await (await fetch(`${url}/v1/health`)).json()
    expect(health).toMatchObject({ status: 'ok', agent_count: 4, skill_count: 3, tool_count: 3 })
    const docs = await fetch(`${url}/docs`)
    expect(docs.status).toBe(200)
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(output).toContain('"msg":"draining"')
  })
})
