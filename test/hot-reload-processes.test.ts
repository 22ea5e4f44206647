import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFakeOpenAIServer, type FakeOpenAIServer } from '../src/testing/index.ts'
import { echoSystemPrompt } from './support/prompt-echo.ts'
import { requireService } from './support/requirements.ts'
import { postgresUrl, uniqueName } from './support/services.ts'
import { type SpawnedGateway, spawnGateway, waitFor } from './support/spawn-gateway.ts'
import { createTempWorkspace, type TempWorkspace } from './support/temp-workspace.ts'
import { readJson, simpleAgent } from './support/test-gateway.ts'

const postgres = await requireService('PostgreSQL', 5432)

const agent = (prompt: string) => simpleAgent(prompt, 'model: openai:gpt-4o-mini')

describe.skipIf(!postgres.available)('hot reload across two gateway processes on Postgres', () => {
  // Short: the Postgres event bus derives its channel prefix (at most 22 characters) from it.
  const schema = `rl_${uniqueName('x')
    .replace(/[^a-z0-9]/g, '')
    .slice(-12)}`
  let fake: FakeOpenAIServer
  let workspace: TempWorkspace
  let watching: SpawnedGateway
  let other: SpawnedGateway
  const running: SpawnedGateway[] = []

  beforeAll(async () => {
    fake = await createFakeOpenAIServer({ defaultResponse: echoSystemPrompt })
    workspace = await createTempWorkspace({
      'gateway.yaml': `auth:\n  mode: none\nmodel:\n  providers:\n    openai:\n      api_key: test-key-not-real\n      base_url: ${fake.baseUrl}\n`,
      'agents/helper/AGENT.md': agent('PROMPT-ONE'),
    })
    const env = {
      AGW_PERSISTENCE__BACKEND: 'postgres',
      AGW_PERSISTENCE__URL: postgresUrl,
      AGW_PERSISTENCE__SCHEMA: schema,
    }
    // One after the other, so the two do not race on the migrations.
    watching = await spawnGateway({ workspace: workspace.root, env, args: ['--watch'] })
    running.push(watching)
    other = await spawnGateway({ workspace: workspace.root, env })
    running.push(other)
  }, 120_000)
  afterAll(async () => {
    for (const gateway of running) await gateway.stop('SIGKILL')
    const client = new pg.Client({ connectionString: postgresUrl })
    await client.connect()
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await client.end()
    await workspace?.remove()
    await fake?.close()
  })

  const answer = async (gateway: SpawnedGateway): Promise<string> => {
    const body = await readJson(
      fetch(`${gateway.url}/v1/agents/helper/invoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'hello' }),
      }),
    )
    return String(body.result?.output ?? JSON.stringify(body))
  }
  /** Polls until `gateway` answers with `prompt` in its system prompt. */
  const serves = (gateway: SpawnedGateway, prompt: string) =>
    waitFor(async () => ((await answer(gateway)).includes(prompt) ? true : undefined), 30_000, 250)

  it('a file save reloads the watching instance and, through the bus, the other one', async () => {
    expect(await answer(watching)).toContain('PROMPT-ONE')
    expect(await answer(other)).toContain('PROMPT-ONE')
    await workspace.write('agents/helper/AGENT.md', agent('PROMPT-SAVED'))
    await serves(watching, 'PROMPT-SAVED')
    await serves(other, 'PROMPT-SAVED')
    expect(watching.output()).toContain('"msg":"workspace reloaded"')
  }, 90_000)

  it('POST /v1/reload on one instance reloads the other', async () => {
    // `other` does not watch: only the reload on it (or its announcement) changes what it serves.
    await workspace.write('agents/helper/AGENT.md', agent('PROMPT-POSTED'))
    // The watcher may pick the save up too; either way both end on the same version.
    const response = await fetch(`${other.url}/v1/reload`, { method: 'POST' })
    expect(response.status).toBe(200)
    const body = await readJson(response)
    await serves(other, 'PROMPT-POSTED')
    await serves(watching, 'PROMPT-POSTED')
    const versionOf = async (gateway: SpawnedGateway) =>
      (await readJson(fetch(`${gateway.url}/v1/reload`, { method: 'POST' }))).version
    expect(await versionOf(watching)).toBe(body.version)
  }, 90_000)

  it('a broken save is refused and both instances keep serving the loaded version', async () => {
    await workspace.write(
      'agents/helper/AGENT.md',
      '---\nmodel: openai:gpt-4o-mini\nmax_iterations: [\n---\nBROKEN\n',
    )
    await waitFor(
      async () => (watching.output().includes('workspace reload refused') ? true : undefined),
      30_000,
    )
    const refused = await fetch(`${other.url}/v1/reload`, { method: 'POST' })
    expect(refused.status).toBe(422)
    expect(await answer(watching)).toContain('PROMPT-POSTED')
    expect(await answer(other)).toContain('PROMPT-POSTED')
  }, 90_000)
})
