import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTempWorkspace, type TempWorkspace } from './support/temp-workspace.ts'

const run = promisify(execFile)
const cli = path.resolve('bin/agentgw.js')

async function agentgw(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], {
      env: { ...process.env, NO_COLOR: '1' },
    })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}

let broken: TempWorkspace
beforeAll(async () => {
  broken = await createTempWorkspace({
    'gateway.yaml': 'auth:\n  mode: none\n',
    'agents/good/AGENT.md': '---\nskills: [missing-skill]\n---\nYou are fine.',
    'agents/empty/AGENT.md': '---\ndescription: no body\n---\n',
    'agents/typo/AGENT.md': '---\nenabled: maybe\n---\nHello',
    'tools/no-handler/TOOL.md': '---\ndescription: x\n---\n',
    'tools/bad-export/TOOL.md': '---\ndescription: x\n---\n',
    'tools/bad-export/handler.mjs': 'export const notHandle = 1',
  })
})
afterAll(() => broken.remove())

describe('agentgw check', () => {
  it('passes on the quickstart example', async () => {
    const result = await agentgw('check', '--workspace', 'examples/quickstart/workspace')
    expect(result.stdout).toContain('no errors')
    expect(result.code).toBe(0)
  })

  it('lists each problem with its file and exits 1', async () => {
    const result = await agentgw('check', '--workspace', broken.root)
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('agents/empty/AGENT.md')
    expect(result.stdout).toMatch(/agents\/typo\/AGENT\.md:2:\d+ enabled:/)
    expect(result.stdout).toContain('agents/good/AGENT.md unknown skill "missing-skill"')
    expect(result.stdout).toContain('tools/no-handler/TOOL.md no handler')
    expect(result.stdout).toContain(
      'tools/bad-export/handler.mjs handler module does not export a handle(args, context) function',
    )
    expect(result.stdout).toMatch(/4 error\(s\), 1 warning\(s\)/)
  })

  it('reports notification targets that cannot be sent to with file, line and key', async () => {
    const workspace = await createTempWorkspace({
      'gateway.yaml':
        'auth:\n  mode: none\nnotifications:\n  webhooks:\n    - {name: ops, url: "https://ops.example.com/hook"}\n',
      'agents/notify/AGENT.md':
        '---\nnotifications:\n  on_complete:\n    - {channel: webhook, target: ops}\n    - {channel: webhook, target: nowhere}\n  on_error:\n    - {channel: slack}\n---\nHello',
    })
    try {
      const result = await agentgw('check', '--workspace', workspace.root)
      expect(result.code).toBe(1)
      expect(result.stdout).toMatch(
        /agents\/notify\/AGENT\.md:5 notifications\.on_complete\.1: unknown webhook "nowhere"/,
      )
      expect(result.stdout).toMatch(
        /agents\/notify\/AGENT\.md:7 notifications\.on_error\.0: Slack target, but notifications\.slack\.enabled is false/,
      )
      expect(result.stdout).not.toContain('on_complete.0')
    } finally {
      await workspace.remove()
    }
  })

  it('reports a config error with file, line and key and exits 1', async () => {
    const workspace = await createTempWorkspace({ 'gateway.yaml': 'server:\n  port: lots\n' })
    try {
      const result = await agentgw('check', '--workspace', workspace.root)
      expect(result.code).toBe(1)
      expect(result.stdout).toMatch(/gateway\.yaml:2:\d+ server\.port: /)
    } finally {
      await workspace.remove()
    }
  })
})
