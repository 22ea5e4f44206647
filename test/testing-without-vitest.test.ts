import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const repositoryRoot = fileURLToPath(new URL('..', import.meta.url))

/**
 * Makes `vitest` (and `@vitest/*`) unresolvable in the process, as in a project that never
 * installed it, and fails the process at exit if anything asked for it — so an `import('vitest')`
 * caught and swallowed somewhere still fails the test.
 */
const withoutVitest = `
import { registerHooks } from 'node:module'
const asked = []
registerHooks({
  resolve(specifier, context, nextResolve) {
    if (/^(vitest|@vitest\\/)/.test(specifier)) {
      asked.push(specifier)
      const error = new Error("Cannot find package '" + specifier + "': it is not installed in this project")
      error.code = 'ERR_MODULE_NOT_FOUND'
      throw error
    }
    return nextResolve(specifier, context)
  },
})
process.on('exit', () => {
  if (asked.length > 0) {
    process.stderr.write('vitest was asked for: ' + asked.join(', ') + '\\n')
    process.exitCode = 1
  }
})
`

/**
 * A user's test file run with node:test: a gateway on a host from the kit, answering from the
 * fake OpenAI server, and a conformance suite from the kit on node:test's functions.
 */
const userTest = `
import assert from 'node:assert/strict'
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { Gateway } from 'agentgw'
import { createFakeOpenAIServer, defineSecretStoreConformance, startHost } from 'agentgw/testing'

describe('agentgw/testing in a project without vitest', () => {
  it('mounts a gateway on a host that answers from the fake OpenAI server', async () => {
    const fake = await createFakeOpenAIServer()
    const root = await mkdtemp(path.join(tmpdir(), 'agw-novitest-ws-'))
    await mkdir(path.join(root, 'agents/helper'), { recursive: true })
    await writeFile(path.join(root, 'agents/helper/AGENT.md'), '---\\nmodel: local:gpt-test\\n---\\nHelp.\\n')
    const gateway = new Gateway({
      workspace: root,
      auth: { mode: 'none' },
      persistence: { enabled: false },
      telemetry: { logLevel: 'silent' },
      model: { providers: { openaiCompatible: { local: { baseUrl: fake.baseUrl } } } },
    })
    const host = await startHost({ kind: 'node', prefix: '/ai', gateway })
    try {
      fake.enqueue({ kind: 'text', text: 'Answered without vitest.' })
      const response = await fetch(host.baseUrl + '/v1/agents/helper/invoke', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'hello' }),
      })
      assert.equal(response.status, 200)
      assert.equal((await response.json()).result.output, 'Answered without vitest.')
      assert.equal(fake.requests.length, 1)
    } finally {
      await host.close()
      await fake.close()
      await rm(root, { recursive: true, force: true })
    }
  })
})

const values = new Map()
defineSecretStoreConformance({ describe, it, beforeAll: before, afterAll: after }, 'a map', async () => ({
  store: {
    async getOrCreate(name, create) {
      if (!values.has(name)) values.set(name, create())
      return values.get(name)
    },
  },
  cleanup: async () => values.clear(),
}))
`

describe('agentgw/testing', () => {
  let project: string
  const node = (file: string) =>
    run(
      process.execPath,
      ['--import', './without-vitest.mjs', '--conditions=agentgw-source', '--test-reporter=tap', file],
      {
        cwd: project,
        timeout: 60_000,
        env: { ...process.env, NODE_OPTIONS: '' },
      },
    )

  beforeAll(async () => {
    // A project whose node_modules has agentgw (this repository, with its runtime dependencies)
    // and in which vitest cannot be resolved.
    project = await mkdtemp(path.join(tmpdir(), 'agw-novitest-'))
    await mkdir(path.join(project, 'node_modules'))
    await symlink(repositoryRoot, path.join(project, 'node_modules', 'agentgw'), 'dir')
    await writeFile(path.join(project, 'package.json'), JSON.stringify({ type: 'module', private: true }))
    await writeFile(path.join(project, 'without-vitest.mjs'), withoutVitest)
    await writeFile(path.join(project, 'user.test.mjs'), userTest)
    await writeFile(path.join(project, 'asks-for-vitest.mjs'), "await import('vitest')\n")
  })
  afterAll(async () => {
    await rm(project, { recursive: true, force: true })
  })

  it('cannot resolve vitest in the test project (the check below can fail)', async () => {
    await expect(node('asks-for-vitest.mjs')).rejects.toMatchObject({
      stderr: expect.stringContaining("Cannot find package 'vitest'"),
    })
  })

  it('imports there, serves a gateway with startHost and the fake OpenAI server, and runs a suite on node:test', async () => {
    const { stdout } = await node('user.test.mjs')
    expect(stdout).toMatch(/# pass 6\b/)
    expect(stdout).toMatch(/# fail 0\b/)
    expect(stdout).toContain('SecretStore conformance: a map')
  }, 90_000)
})
