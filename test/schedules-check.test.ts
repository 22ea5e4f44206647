import { afterAll, describe, expect, it } from 'vitest'
import { runCheck } from '../src/cli/commands/check.ts'
import { createTempWorkspace, type TempWorkspace } from './support/temp-workspace.ts'

const workspaces: TempWorkspace[] = []
afterAll(() => Promise.all(workspaces.map((workspace) => workspace.remove())))

async function check(files: Record<string, string>): Promise<{ code: number; output: string }> {
  const workspace = await createTempWorkspace({ 'gateway.yaml': 'auth:\n  mode: none\n', ...files })
  workspaces.push(workspace)
  let output = ''
  const code = await runCheck({ workspace: workspace.root }, (text) => {
    output += text
  })
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips colour codes
  return { code, output: output.replace(/\u001b\[[0-9;]*m/g, '') }
}

describe('agentgw check on schedules', () => {
  it('reports a bad cron expression and an unknown time zone with file and line, and exits 1', async () => {
    const { code, output } = await check({
      'agents/briefer/AGENT.md': [
        '---',
        'schedules:',
        '  - name: morning',
        '    cron: "61 8 * * *"',
        '    message: Brief',
        '  - name: evening',
        '    cron: "0 18 * * *"',
        '    timezone: Europe/Atlantis',
        '    message: Brief',
        '---',
        'Brief.',
      ].join('\n'),
    })
    expect(code).toBe(1)
    expect(output).toMatch(
      /agents\/briefer\/AGENT\.md:4:\d+ schedules\.0\.cron: .*not a valid cron expression/,
    )
    expect(output).toMatch(
      /agents\/briefer\/AGENT\.md:8:\d+ schedules\.1\.timezone: not a known IANA time zone/,
    )
  })

  it('refuses a duplicate schedule name and warns about an unknown schedule key with its line', async () => {
    const { code, output } = await check({
      'agents/briefer/AGENT.md': [
        '---',
        'schedules:',
        '  - name: morning',
        '    cron: "@daily"',
        '    message: Brief',
        '    every: day',
        '  - name: morning',
        '    cron: "@hourly"',
        '    message: Brief',
        '---',
        'Brief.',
      ].join('\n'),
    })
    expect(code).toBe(1)
    expect(output).toMatch(/AGENT\.md:6:\d+ schedules\.0\.every: unknown frontmatter key, ignored/)
    expect(output).toMatch(/AGENT\.md:7:\d+ schedules\.1\.name: duplicate schedule name "morning"/)
  })

  it('accepts 6-field and @alias expressions, time zones and the scheduler overrides', async () => {
    const { code, output } = await check({
      'agents/briefer/AGENT.md': [
        '---',
        'schedules:',
        '  - name: fast',
        '    cron: "*/30 * * * * *"',
        '    message: Brief',
        '    timezone: America/New_York',
        '    misfire_grace_seconds: 10',
        '    coalesce: false',
        '    max_instances: 2',
        '  - name: daily',
        '    cron: "@daily"',
        '    message: Brief',
        '---',
        'Brief.',
      ].join('\n'),
    })
    expect(output).toContain('no errors')
    expect(code).toBe(0)
  })

  it('names every scheduler key it does not read, with its line', async () => {
    const { output } = await check({
      'gateway.yaml': 'auth:\n  mode: none\nscheduler:\n  distributed_lock: true\n  misfire_grace: 5\n',
      'agents/briefer/AGENT.md': '---\ndescription: x\n---\nBrief.',
    })
    expect(output).toMatch(
      /gateway\.yaml:4:\d+ scheduler\.distributed_lock: .*claims schedule ticks in the database/,
    )
    expect(output).toMatch(/gateway\.yaml:5:\d+ scheduler\.misfire_grace: unknown/)
  })
})
