import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { createClient } from '@hey-api/openapi-ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ListeningGateway } from '../src/index.ts'
import { createTestGateway, type TestGateway } from './support/test-gateway.ts'

const run = promisify(execFile)
const repoRoot = path.resolve(import.meta.dirname, '..')
const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc')

/** A program written against the generated SDK, as a user would: typed calls, no casts. */
const consumer = `import { client } from './sdk/client.gen.js'
import { chatWithAgent, getExecution, invokeAgent, listExecutions } from './sdk/sdk.gen.js'

export interface Outcome {
  output: string
  chatted: string
  sessionId: string
  queuedId: string
  pollUrl: string
  queuedStatus: string
  listed: string[]
  createdAt: string[]
}

export async function exercise(baseUrl: string): Promise<Outcome> {
  client.setConfig({ baseUrl })
  const invoked = await invokeAgent({
    path: { agent_id: 'helper' },
    body: { message: 'hello sdk' },
    throwOnError: true,
  })
  if (!('result' in invoked.data)) throw new Error('expected a finished run')
  const chat = await chatWithAgent({
    path: { agent_id: 'helper' },
    body: { message: 'hi there' },
    throwOnError: true,
  })
  const queued = await invokeAgent({
    path: { agent_id: 'helper' },
    body: { message: 'in the background', options: { async: true } },
    throwOnError: true,
  })
  if (!('poll_url' in queued.data)) throw new Error('expected a queued run')
  let status: string = queued.data.status
  for (let attempt = 0; attempt < 200 && (status === 'queued' || status === 'running'); attempt++) {
    const execution = await getExecution({ path: { execution_id: queued.data.execution_id }, throwOnError: true })
    status = execution.data.status
    if (status === 'queued' || status === 'running') await new Promise((resolve) => setTimeout(resolve, 25))
  }
  const page = await listExecutions({ query: { agent_id: 'helper', limit: 10 }, throwOnError: true })
  return {
    output: String(invoked.data.result.output),
    chatted: chat.data.result.raw_text,
    sessionId: chat.data.session_id,
    queuedId: queued.data.execution_id,
    pollUrl: queued.data.poll_url,
    queuedStatus: status,
    listed: page.data.items.map((item) => item.execution_id),
    createdAt: page.data.items.map((item) => item.created_at),
  }
}
`

const tsconfig = {
  compilerOptions: {
    strict: true,
    target: 'es2023',
    lib: ['es2023', 'dom'],
    module: 'nodenext',
    moduleResolution: 'nodenext',
    rootDir: '.',
    outDir: 'dist',
    skipLibCheck: true,
    types: ['node'],
    typeRoots: [path.join(repoRoot, 'node_modules', '@types')],
  },
  include: ['*.ts', 'sdk/**/*.ts'],
}

let t: TestGateway
let listening: ListeningGateway
let folder: string
beforeAll(async () => {
  t = await createTestGateway({ 'agents/helper/AGENT.md': '---\nmodel: mock:echo\n---\nEcho.\n' })
  listening = await t.gateway.listen({ port: 0 })
  folder = await mkdtemp(path.join(tmpdir(), 'agw-sdk-'))
})
afterAll(async () => {
  await listening?.close()
  await t?.close()
  if (folder) await rm(folder, { recursive: true, force: true })
})

describe('a TypeScript SDK generated with @hey-api/openapi-ts from /openapi.json', () => {
  it('compiles under tsc --strict, names methods after the operationIds and calls the live gateway', async () => {
    const document = (await (await fetch(`${listening.url}/openapi.json`)).json()) as Record<string, unknown>
    await createClient({
      input: document,
      output: path.join(folder, 'sdk'),
      plugins: ['@hey-api/client-fetch', '@hey-api/typescript', '@hey-api/sdk'],
      logs: { level: 'silent' },
    })
    await writeFile(path.join(folder, 'package.json'), '{"type":"module"}\n')
    await writeFile(path.join(folder, 'tsconfig.json'), JSON.stringify(tsconfig))
    await writeFile(path.join(folder, 'consumer.ts'), consumer)
    const compiled = await run(process.execPath, [tsc, '-p', path.join(folder, 'tsconfig.json')]).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    )
    expect(compiled).toBe('')

    const sdk = (await import(pathToFileURL(path.join(folder, 'dist', 'sdk', 'sdk.gen.js')).href)) as Record<
      string,
      unknown
    >
    // One SDK method per operation, named by its operationId — whatever routes the gateway has.
    const operationIds = Object.values(
      document.paths as Record<string, Record<string, { operationId?: string }>>,
    )
      .flatMap((operations) => Object.values(operations).map((operation) => operation.operationId))
      .sort()
    expect(operationIds).toEqual(
      expect.arrayContaining(['invokeAgent', 'chatWithAgent', 'streamExecutionEvents']),
    )
    expect(Object.keys(sdk).sort()).toEqual(operationIds)

    const { exercise } = (await import(pathToFileURL(path.join(folder, 'dist', 'consumer.js')).href)) as {
      exercise: (baseUrl: string) => Promise<Record<string, unknown>>
    }
    const outcome = await exercise(listening.url)
    expect(outcome).toMatchObject({
      output: 'Echo: hello sdk',
      chatted: 'Echo: hi there',
      sessionId: expect.any(String),
      pollUrl: `/v1/executions/${outcome.queuedId}`,
      queuedStatus: 'completed',
    })
    expect(outcome.listed).toContain(outcome.queuedId)
    for (const createdAt of outcome.createdAt as string[]) {
      expect(createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
    }
  }, 90_000)
})
