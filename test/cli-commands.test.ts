import { execFile, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { initFiles } from '../src/cli/init-templates.ts'
import { spawnGateway } from './support/spawn-gateway.ts'
import { createTempWorkspace, type TempWorkspace } from './support/temp-workspace.ts'

const run = promisify(execFile)
// Every test starts one or more processes; on a busy machine each takes seconds.
vi.setConfig({ testTimeout: 120_000 })
const cli = path.resolve('bin/agentgw.js')
const quickstart = 'examples/quickstart/workspace'
const env = { ...process.env, NO_COLOR: '1', AGW_MODEL: 'mock:assistant' }

async function agentgw(
  args: string[],
  options: { env?: Record<string, string>; execArgv?: string[] } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...(options.execArgv ?? []), cli, ...args], {
      env: { ...env, ...options.env },
    })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}

/** A failure the user sees as one line, never as a stack trace. */
function expectOneLineError(stderr: string, pattern: RegExp) {
  expect(stderr).toMatch(pattern)
  expect(stderr).not.toMatch(/\n\s+at /)
}

let scratch: string
beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'agw-cli-'))
})
afterAll(() => rm(scratch, { recursive: true, force: true }))

describe('agentgw init', () => {
  it('creates a workspace that checks clean and serves an invoke from an empty folder', async () => {
    const dir = path.join(scratch, 'fresh')
    const created = await agentgw(['init', dir])
    expect(created.code).toBe(0)
    for (const file of Object.keys(initFiles)) expect(existsSync(path.join(dir, file))).toBe(true)
    expect(await readFile(path.join(dir, 'gateway.yaml'), 'utf8')).toMatch(/^# /m)

    const checked = await agentgw(['check', '-w', dir])
    expect(checked.stdout).toContain('no errors, 0 warning(s)')
    expect(checked.code).toBe(0)

    const gateway = await spawnGateway({ workspace: dir, env: { AGW_MODEL: 'mock:assistant' } })
    try {
      const response = await fetch(`${gateway.url}/v1/agents/assistant/invoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'What time is it in Lisbon?' }),
      })
      const body = (await response.json()) as { status: string; usage: { tool_calls: number } }
      expect(response.status).toBe(200)
      expect(body.status).toBe('completed')
      expect(body.usage.tool_calls).toBeGreaterThan(0)
    } finally {
      expect(await gateway.stop('SIGTERM')).toBe(0)
    }
  })

  it('refuses to write into a folder that is not empty, and changes nothing', async () => {
    const dir = path.join(scratch, 'occupied')
    await agentgw(['init', dir])
    await writeFile(path.join(dir, 'gateway.yaml'), 'mine: true\n')
    const again = await agentgw(['init', dir])
    expect(again.code).toBe(1)
    expectOneLineError(again.stderr, /is not empty/)
    expect(await readFile(path.join(dir, 'gateway.yaml'), 'utf8')).toBe('mine: true\n')
  })
})

describe('agentgw agents|skills|tools', () => {
  it('prints a table by default, one row per item', async () => {
    const { stdout, code } = await agentgw(['agents', '-w', quickstart])
    expect(code).toBe(0)
    const lines = stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^ID\s+MODEL\s+MODE\s+TOOLS\s+DESCRIPTION$/)
    expect(
      lines
        .slice(1)
        .map((line) => line.split(/\s+/)[0])
        .sort(),
    ).toEqual(['assistant', 'summarizer', 'travel-planner', 'weather'])
    expect(stdout).toMatch(/^weather\s+mock:assistant\s+sync\s+get-weather\s+/m)
  })

  it('prints the HTTP API objects (snake_case) with --format json', async () => {
    const agents = JSON.parse((await agentgw(['agents', '-w', quickstart, '--format', 'json'])).stdout)
    const weather = agents.find((agent: { id: string }) => agent.id === 'weather')
    expect(weather).toMatchObject({
      display_name: 'Weather desk',
      execution_mode: 'sync',
      tools: ['get-weather'],
    })
    expect(weather.input_schema.required).toEqual(['city'])
    const skills = JSON.parse((await agentgw(['skills', '-w', quickstart, '-f', 'json'])).stdout)
    expect(skills.map((skill: { id: string }) => skill.id).sort()).toEqual([
      'company-knowledge',
      'trip-planning',
      'weather-lookup',
    ])
    expect(skills[0]).toHaveProperty('has_workflow')
    const tools = JSON.parse((await agentgw(['tools', '-w', quickstart, '-f', 'json'])).stdout)
    expect(tools.find((tool: { name: string }) => tool.name === 'get-weather')).toMatchObject({
      source: 'file',
      require_approval: false,
      allowed_agents: null,
    })
  })

  it('prints RFC 4180 CSV with a header with --format csv', async () => {
    const { stdout } = await agentgw(['tools', '-w', quickstart, '--format', 'csv'])
    const lines = stdout.split('\r\n')
    expect(lines[0]).toBe('name,source,approval,description')
    expect(lines.filter((line) => line.startsWith('get-weather,file,false,'))).toHaveLength(1)
    expect(stdout.endsWith('\r\n')).toBe(true)
  })

  it('exits 1 with one line for an unknown format or a missing workspace', async () => {
    const badFormat = await agentgw(['skills', '-w', quickstart, '--format', 'yaml'])
    expect(badFormat.code).toBe(1)
    expect(badFormat.stderr).toContain('expected one of table, json, csv')
    const missing = await agentgw(['agents', '-w', path.join(scratch, 'nowhere')])
    expect(missing.code).toBe(1)
    expectOneLineError(missing.stderr, /^error workspace folder \S+nowhere not found/)
  })
})

describe('agentgw version', () => {
  it('prints the version as text or JSON and rejects other formats', async () => {
    const pkg = JSON.parse(await readFile('package.json', 'utf8'))
    expect((await agentgw(['version'])).stdout).toBe(
      `agentgw ${pkg.version} (Node ${process.versions.node})\n`,
    )
    expect(JSON.parse((await agentgw(['version', '-f', 'json'])).stdout)).toEqual({
      version: pkg.version,
      node_version: process.versions.node,
    })
    expect((await agentgw(['version', '-f', 'xml'])).code).toBe(1)
  })
})

describe('agentgw check', () => {
  let broken: TempWorkspace
  beforeAll(async () => {
    broken = await createTempWorkspace({
      'gateway.yaml': 'auth:\n  mode: sometimes\n',
      'agents/typo/AGENT.md': '---\nenabled: maybe\n---\nHello',
    })
  })
  afterAll(() => broken.remove())

  it('reports config errors and workspace errors in one run', async () => {
    const result = await agentgw(['check', '-w', broken.root])
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/gateway\.yaml:2:\d+ .*auth\.mode/)
    expect(result.stdout).toMatch(/agents\/typo\/AGENT\.md:2:\d+ enabled:/)
    expect(result.stdout).toMatch(/\n2 error\(s\)/)
  })
})

describe('agentgw invoke', () => {
  it('prints the HTTP invoke response with --format json', async () => {
    const { stdout, code } = await agentgw([
      'invoke',
      'summarizer',
      'My flight is tomorrow',
      '-w',
      quickstart,
      '-f',
      'json',
    ])
    expect(code).toBe(0)
    const body = JSON.parse(stdout)
    expect(Object.keys(body).sort()).toEqual(
      ['agent_id', 'error', 'execution_id', 'result', 'status', 'stop_reason', 'usage'].sort(),
    )
    expect(body.result.output).toMatchObject({ priority: 'low' })
    expect(body.usage).toHaveProperty('input_tokens')
  })

  it('says why a failed run failed in one line and exits 1, in text and in JSON', async () => {
    const failing = { AGW_MODEL: 'mock:fail?status=400' }
    const text = await agentgw(['invoke', 'assistant', 'hi', '-w', quickstart], { env: failing })
    expect(text.code).toBe(1)
    expect(text.stdout).not.toContain('null')
    expect(text.stderr.trimEnd().split('\n')).toHaveLength(1)
    expectOneLineError(text.stderr, /^run failed: \S+/)
    const json = await agentgw(['invoke', 'assistant', 'hi', '-w', quickstart, '-f', 'json'], {
      env: failing,
    })
    expect(json.code).toBe(1)
    expect(JSON.parse(json.stdout)).toMatchObject({ status: 'failed', error: { code: expect.any(String) } })
    expectOneLineError(json.stderr, /^run failed: \S+/)
  })

  it('exits cleanly when the reader closes the pipe (agentgw invoke … | head -c 10)', async () => {
    const slow = { ...env, AGW_MODEL: 'mock:assistant?delay_ms=20&tokens=60' }
    const { stdout, stderr } = await run(
      'bash',
      [
        '-c',
        `set -o pipefail; "${process.execPath}" "${cli}" invoke assistant "Tell me a story" -w ${quickstart} | head -c 10; echo " exit=$?" >&2`,
      ],
      { env: slow },
    )
    expect(stdout).toHaveLength(10)
    expect(stderr).not.toMatch(/EPIPE|\n\s+at /)
    expect(stderr).toContain('exit=0')
  })

  it('stops on Ctrl-C without a stack trace', async () => {
    const child = spawn(process.execPath, [cli, 'invoke', 'assistant', 'hi', '-w', quickstart], {
      env: { ...env, AGW_MODEL: 'mock:hang' },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    // The run has started once the gateway has loaded; the hanging model never answers.
    await new Promise((resolve) => setTimeout(resolve, 1500))
    child.kill('SIGINT')
    await new Promise((resolve) => child.once('exit', resolve))
    expect(stderr).not.toMatch(/\n\s+at |Error:/)
    expect(stdout).not.toMatch(/\n\s+at /)
  })
})

describe('agentgw --help', () => {
  it('shows examples for every command', async () => {
    const commands = [
      'serve',
      'check',
      'invoke',
      'chat',
      'init',
      'agents',
      'skills',
      'tools',
      'version',
      'db migrate',
    ]
    const helps = await Promise.all(commands.map((command) => agentgw([...command.split(' '), '--help'])))
    commands.forEach((command, index) => {
      expect(helps[index]?.stdout, command).toContain('Examples:')
      expect(helps[index]?.stdout, command).toContain(`$ agentgw ${command.split(' ')[0]}`)
    })
    expect((await agentgw(['--help'])).stdout).toContain('Examples:')
  }, 120_000)
})

describe('bin/agentgw.js', () => {
  it('names the Node it needs and how to get it on an older Node', async () => {
    const result = await agentgw(['version'], {
      execArgv: [
        '--import',
        'data:text/javascript,Object.defineProperty(process.versions,"node",{value:"22.11.0"})',
      ],
    })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^agentgw needs Node 22\.18 or newer \(this is 22\.11\.0\); .*npx agentgw/)
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1)
  })
})
