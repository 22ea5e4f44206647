import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSilentLogger } from '../src/core/logger.ts'
import { Gateway } from '../src/index.ts'
import { createTempWorkspace, type TempWorkspace } from './support/temp-workspace.ts'
import { simpleAgent } from './support/test-gateway.ts'

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

const files = {
  'gateway.yaml': 'auth:\n  mode: none\n',
  'agents/briefer/AGENT.md': simpleAgent(
    'Brief.',
    'model: mock:echo\nschedules:\n  - name: weekday\n    cron: "0 8 * * 1-5"\n    message: Morning, briefly\n  - name: nightly\n    cron: "@daily"\n    message: Night',
  ),
}

let workspace: TempWorkspace
beforeAll(async () => {
  workspace = await createTempWorkspace(files)
})
afterAll(() => workspace.remove())

describe('agentgw schedules, against a workspace', { timeout: 90_000 }, () => {
  it('lists the schedules as JSON, CSV and a table', async () => {
    const json = await agentgw('schedules', 'list', '-w', workspace.root, '--format', 'json')
    expect(json.code).toBe(0)
    const listed = JSON.parse(json.stdout)
    expect(listed.map((schedule: { id: string }) => schedule.id)).toEqual([
      'briefer:nightly',
      'briefer:weekday',
    ])
    expect(listed[1]).toMatchObject({
      cron_expr: '0 8 * * 1-5',
      timezone: 'UTC',
      enabled: true,
      source: 'workspace',
    })
    const csv = await agentgw('schedules', 'list', '-w', workspace.root, '--format', 'csv')
    expect(csv.stdout.split('\r\n')[0]).toBe('id,cron,timezone,enabled,next_run_at,last_run_at,source')
    const table = await agentgw('schedules', 'list', '-w', workspace.root)
    expect(table.stdout).toMatch(/briefer:weekday\s+0 8 \* \* 1-5\s+UTC\s+true/)
  })

  it('pauses a schedule so that it stays paused on the next run of the command, and resumes it', async () => {
    const paused = await agentgw('schedules', 'pause', 'briefer:weekday', '-w', workspace.root)
    expect(paused.stdout).toBe('briefer:weekday: paused\n')
    const listed = JSON.parse((await agentgw('schedules', 'list', '-w', workspace.root, '-f', 'json')).stdout)
    expect(listed.find((schedule: { id: string }) => schedule.id === 'briefer:weekday')).toMatchObject({
      enabled: false,
      next_run_at: null,
    })
    const resumed = await agentgw('schedules', 'resume', 'briefer:weekday', '-w', workspace.root)
    expect(resumed.stdout).toBe('briefer:weekday: resumed\n')
  })

  it('fails with the reason for an unknown schedule', async () => {
    const result = await agentgw('schedules', 'pause', 'briefer:nope', '-w', workspace.root)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('Schedule "briefer:nope" not found.')
  })
})

describe('agentgw schedules, against a running gateway', { timeout: 90_000 }, () => {
  const key = 'cli-schedules-key-0123456789'
  let gateway: Gateway
  let remote: TempWorkspace
  let base: string

  beforeAll(async () => {
    remote = await createTempWorkspace({ ...files, 'gateway.yaml': '' })
    gateway = new Gateway({
      workspace: remote.root,
      logger: createSilentLogger(),
      auth: { mode: 'api_key', apiKeys: [{ name: 'ops', key, scopes: ['*'] }] },
    })
    const listening = await gateway.listen({ port: 0 })
    base = listening.url
  })
  afterAll(async () => {
    await gateway.stop()
    await remote.remove()
  })

  it('triggers a run through the API and lists it, with the API key', async () => {
    const triggered = await agentgw(
      'schedules',
      'trigger',
      'briefer:nightly',
      '--url',
      base,
      '--api-key',
      key,
      '-f',
      'json',
    )
    expect(triggered.code).toBe(0)
    const outcome = JSON.parse(triggered.stdout)
    expect(outcome).toMatchObject({ status: 'triggered', schedule_id: 'briefer:nightly' })
    const runs = await gateway.internalRuntime.schedules.runs('briefer:nightly', { kind: 'system' })
    expect(runs.map((entry) => [entry.trigger, entry.executionId])).toEqual([
      ['manual', outcome.execution_id],
    ])
    const listed = await agentgw('schedules', 'list', '--url', base, '--api-key', key, '-f', 'json')
    expect(JSON.parse(listed.stdout).map((schedule: { id: string }) => schedule.id)).toEqual([
      'briefer:nightly',
      'briefer:weekday',
    ])
  })

  it('reports a refused credential with the status and code', async () => {
    const result = await agentgw('schedules', 'list', '--url', base, '--api-key', 'wrong-key-0123456789')
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^401 invalid_credentials/)
  })
})
