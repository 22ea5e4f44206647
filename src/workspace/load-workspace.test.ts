import { mkdir, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createTempWorkspace, type TempWorkspace } from '../../test/support/temp-workspace.ts'
import { loadWorkspace } from './load-workspace.ts'

const agent = (front: string, body = 'You are helpful.') => `---\n${front}\n---\n${body}\n`

let workspace: TempWorkspace | undefined
afterEach(async () => {
  await workspace?.remove()
  workspace = undefined
})

async function load(files: Record<string, string>, codeToolNames: string[] = []) {
  workspace = await createTempWorkspace(files)
  return loadWorkspace(workspace.root, { codeToolNames })
}

describe('loadWorkspace', () => {
  it('reads agents, skills, tools, shared prompts and context files', async () => {
    const result = await load({
      'AGENTS.md': 'Shared rules.',
      'BEHAVIOR.md': 'Be kind.',
      'agents/helper/AGENT.md': agent(
        'description: Helps\ndisplay_name: Helper\ntags: [a, b]\nversion: 2\nskills: [lookup]\nmodel:\n  name: openai:gpt-4o-mini\n  max_tokens: 100\nexecution_mode: async\ncontext: [docs/faq.md]',
      ),
      'agents/helper/BEHAVIOR.md': 'Stay on topic.',
      'agents/helper/context/b.md': 'B',
      'agents/helper/context/a.md': 'A',
      'docs/faq.md': 'FAQ',
      'skills/lookup/SKILL.md': '---\ndescription: Look things up\ntools: [search]\n---\nUse search.',
      'tools/search/TOOL.md':
        '---\ndescription: Search\nparameters:\n  query: {type: string, required: true}\n  limit: {type: integer}\n---\n',
      'tools/search/handler.mjs': 'export function handle() { return [] }',
    })
    expect(result.diagnostics).toEqual([])
    expect(result.sharedPrompt).toBe('Shared rules.')
    expect(result.sharedBehavior).toBe('Be kind.')
    const [helper] = result.agents
    expect(helper).toMatchObject({
      id: 'helper',
      description: 'Helps',
      displayName: 'Helper',
      tags: ['a', 'b'],
      version: '2',
      skills: ['lookup'],
      model: { name: 'openai:gpt-4o-mini', maxTokens: 100 },
      executionMode: 'async',
      prompt: 'You are helpful.',
      behavior: 'Stay on topic.',
    })
    expect(helper?.contextFiles.map((file) => file.path)).toEqual([
      'agents/helper/context/a.md',
      'agents/helper/context/b.md',
      'docs/faq.md',
    ])
    expect(result.skills[0]).toMatchObject({
      id: 'lookup',
      name: 'lookup',
      tools: ['search'],
      instructions: 'Use search.',
    })
    expect(result.tools[0]).toMatchObject({
      id: 'search',
      handlerFile: 'tools/search/handler.mjs',
      parameters: {
        type: 'object',
        properties: { query: { type: 'string' }, limit: { type: 'integer' } },
        required: ['query'],
        additionalProperties: false,
      },
    })
  })

  it('accepts a full JSON Schema as TOOL.md parameters', async () => {
    const result = await load({
      'tools/send-email/TOOL.md':
        '---\ndescription: Send\nparameters:\n  type: object\n  properties:\n    to: {type: string, format: email}\n    subject: {type: string}\n  required: [to]\n---\n',
      'tools/send-email/handler.js': 'export const handle = () => "ok"',
    })
    expect(result.diagnostics.filter((item) => item.subject?.kind === 'tool')).toEqual([])
    expect(result.tools[0]?.parameters).toEqual({
      type: 'object',
      properties: { to: { type: 'string', format: 'email' }, subject: { type: 'string' } },
      required: ['to'],
    })
  })

  it('reads a JSON Schema without a top-level type as a schema, not as a parameter named "properties"', async () => {
    const result = await load({
      'tools/t/TOOL.md': '---\nparameters:\n  properties:\n    q: {type: string}\n  required: [q]\n---\n',
      'tools/t/handler.js': 'export const handle = () => 1',
    })
    expect(result.tools[0]?.parameters).toEqual({
      type: 'object',
      properties: { q: { type: 'string' } },
      required: ['q'],
    })
  })

  it('skips invalid ids with a warning', async () => {
    const result = await load({
      'agents/Bad Name/AGENT.md': agent('description: x'),
      'agents/-dash/AGENT.md': agent('description: x'),
      'agents/ok/AGENT.md': agent('description: x'),
    })
    expect(result.agents.map((item) => item.id)).toEqual(['ok'])
    expect(result.diagnostics.filter((item) => item.severity === 'warning').map((item) => item.file)).toEqual(
      ['agents/-dash', 'agents/Bad Name'],
    )
  })

  it('refuses a symlinked agent folder and a context path escaping the workspace', async () => {
    const outside = path.join(tmpdir(), `agw-outside-${process.pid}`)
    await mkdir(outside, { recursive: true })
    await writeFile(path.join(outside, 'AGENT.md'), agent('description: stolen'))
    await writeFile(path.join(outside, 'secret.md'), 'secret')
    workspace = await createTempWorkspace({
      'agents/ok/AGENT.md': agent(`context: [../${path.basename(outside)}/secret.md, ${outside}/secret.md]`),
    })
    await symlink(outside, path.join(workspace.root, 'agents', 'linked'))
    await symlink(path.join(outside, 'secret.md'), path.join(workspace.root, 'agents', 'ok', 'BEHAVIOR.md'))
    const result = await loadWorkspace(workspace.root)
    expect(result.agents.map((item) => item.id)).toEqual(['ok'])
    expect(result.agents[0]?.contextFiles).toEqual([])
    expect(result.agents[0]?.behavior).toBeNull()
    const messages = result.diagnostics.map((item) => `${item.file} ${item.message}`)
    expect(messages).toContainEqual(expect.stringMatching(/agents\/linked symlinks are not followed/))
    expect(messages).toContainEqual(
      expect.stringMatching(/AGENT\.md ".*secret\.md": the path escapes the workspace/),
    )
    expect(messages).toContainEqual(
      expect.stringMatching(/AGENT\.md ".*secret\.md": absolute paths are not allowed/),
    )
    expect(messages).toContainEqual(
      expect.stringMatching(/BEHAVIOR\.md cannot be read: symlinks are not followed/),
    )
  })

  it('skips dot-directories quietly', async () => {
    const result = await load({ 'agents/.hidden/AGENT.md': agent('description: x') })
    expect(result.agents).toEqual([])
    expect(result.diagnostics.some((item) => item.file?.includes('.hidden'))).toBe(false)
  })

  it('reports an empty AGENT.md body as an error and leaves the agent out', async () => {
    const result = await load({ 'agents/empty/AGENT.md': '---\ndescription: nothing\n---\n\n   \n' })
    expect(result.agents).toEqual([])
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        file: 'agents/empty/AGENT.md',
        message: expect.stringContaining('empty'),
      }),
    )
  })

  it('never executes JavaScript frontmatter', async () => {
    const marker = path.join(tmpdir(), `agw-pwned-${process.pid}`)
    const result = await load({
      'agents/evil/AGENT.md': `---js\n{ description: require('node:fs').writeFileSync('${marker}', 'x') }\n---\nHi`,
      'agents/evil2/AGENT.md': `---\ndescription: !!js/function "function () { require('node:fs').writeFileSync('${marker}', 'x') }"\n---\nHi`,
    })
    expect(result.agents).toEqual([])
    expect(result.diagnostics.filter((item) => item.severity === 'error')).toHaveLength(2)
    const { existsSync } = await import('node:fs')
    expect(existsSync(marker)).toBe(false)
  })

  it('gives the line of a frontmatter type error', async () => {
    const result = await load({ 'agents/a/AGENT.md': '---\ndescription: ok\nenabled: "sometimes"\n---\nHi' })
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({ severity: 'error', file: 'agents/a/AGENT.md', line: 3, keyPath: 'enabled' }),
    )
  })

  it('reports an invalid input_schema instead of ignoring it', async () => {
    const result = await load({ 'agents/a/AGENT.md': agent('input_schema:\n  type: objekt') })
    expect(result.agents).toEqual([])
    expect(result.diagnostics[0]).toMatchObject({ severity: 'error', keyPath: 'input_schema' })
  })

  it("warns on unknown cross-references, from skills and from an agent's own tools list", async () => {
    const result = await load(
      {
        'agents/a/AGENT.md': agent('skills: [missing, s]\ntools: [x, from-code]'),
        'skills/s/SKILL.md': '---\ndescription: d\ntools: [nope, from-code]\n---\n',
      },
      ['from-code'],
    )
    expect(result.agents).toHaveLength(1)
    expect(result.agents[0]?.tools).toEqual(['x', 'from-code'])
    const warnings = result.diagnostics
      .filter((item) => item.severity === 'warning')
      .map((item) => `${item.file} ${item.message}`)
    expect(warnings).toContainEqual('agents/a/AGENT.md unknown skill "missing"')
    expect(warnings).toContainEqual('skills/s/SKILL.md unknown tool "nope"')
    expect(warnings).toContainEqual('agents/a/AGENT.md unknown tool "x"')
    expect(warnings.some((message) => message.includes('from-code'))).toBe(false)
  })

  it('reads shared prompt files from agents/ as agents-gateway keeps them, and from the root', async () => {
    const underAgents = await load({
      'agents/AGENTS.md': 'Shared from agents/.',
      'agents/BEHAVIOR.md': 'Rules from agents/.',
      'agents/a/AGENT.md': agent('description: d'),
    })
    expect(underAgents.diagnostics).toEqual([])
    expect(underAgents.sharedPrompt).toBe('Shared from agents/.')
    expect(underAgents.sharedBehavior).toBe('Rules from agents/.')
    await workspace?.remove()

    const both = await load({
      'AGENTS.md': 'Root.',
      'agents/AGENTS.md': 'Nested.',
      'agents/a/AGENT.md': agent('description: d'),
    })
    expect(both.sharedPrompt).toBe('Root.\n\nNested.')
    expect(both.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'warning',
        file: 'agents/AGENTS.md',
        message: expect.stringContaining('keep one'),
      }),
    ])
  })

  it('reads memory: true|false as the shorthand of memory.enabled, without warnings', async () => {
    const result = await load({
      'agents/off/AGENT.md': agent('memory: false'),
      'agents/on/AGENT.md': agent('memory: true'),
      'agents/full/AGENT.md': agent(
        'memory:\n  enabled: false\n  auto_extract: true\n  max_injected_chars: 10',
      ),
    })
    const byId = Object.fromEntries(result.agents.map((item) => [item.id, item.memory]))
    expect(byId.off).toEqual({
      enabled: false,
      autoExtract: false,
      maxInjectedChars: 4000,
      maxMemoryMdLines: 200,
    })
    expect(byId.on).toMatchObject({ enabled: true })
    expect(byId.full).toEqual({
      enabled: false,
      autoExtract: true,
      maxInjectedChars: 10,
      maxMemoryMdLines: 200,
    })
    expect(result.diagnostics).toEqual([])
  })

  it('names legacy agent files it does not read, with what to do instead', async () => {
    const result = await load({
      'agents/old/AGENT.md': agent('description: d'),
      'agents/old/SOUL.md': 'A warm personality.',
      'agents/old/CONFIG.md': '---\nmodel: gpt-4o\n---\n',
    })
    expect(result.agents).toHaveLength(1)
    const messages = result.diagnostics.map((item) => `${item.severity} ${item.file}: ${item.message}`)
    expect(messages).toContainEqual(
      expect.stringMatching(/^warning agents\/old\/SOUL\.md: .*move its text into BEHAVIOR\.md/),
    )
    expect(messages).toContainEqual(
      expect.stringMatching(/^warning agents\/old\/CONFIG\.md: .*AGENT\.md frontmatter/),
    )
  })

  it('refuses a workflow step with two kinds and a fan-out over 10', async () => {
    const fanOut = Array.from({ length: 11 }, (_, index) => `      - {tool: t${index}}`).join('\n')
    const result = await load({
      'skills/w/SKILL.md': `---\nsteps:\n  - name: a\n    tool: x\n    prompt: y\n---\n`,
      'skills/v/SKILL.md': `---\nsteps:\n  - name: a\n    tools:\n${fanOut}\n---\n`,
    })
    expect(result.skills).toEqual([])
    expect(result.diagnostics.filter((item) => item.severity === 'error')).toHaveLength(2)
  })

  it('reports a tool without a handler unless it is registered in code', async () => {
    const tool = '---\ndescription: d\n---\n'
    const result = await load({ 'tools/a/TOOL.md': tool, 'tools/b/TOOL.md': tool }, ['b'])
    expect(result.tools.map((item) => item.id)).toEqual(['b'])
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({ severity: 'error', file: 'tools/a/TOOL.md' }),
    )
  })

  it('reports a missing workspace as an error', async () => {
    const result = await loadWorkspace(path.join(tmpdir(), 'agw-does-not-exist'))
    expect(result.diagnostics[0]).toMatchObject({
      severity: 'error',
      message: 'workspace folder does not exist',
    })
  })
})
