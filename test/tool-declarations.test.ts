import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestGateway, readJson, type TestGateway } from './support/test-gateway.ts'

let t: TestGateway
beforeAll(async () => {
  t = await createTestGateway({
    'tools/plain/TOOL.md': '---\ndescription: Defaults\n---\n',
    'tools/plain/handler.mjs': 'export const handle = () => 1',
    'tools/careful/TOOL.md': '---\ndescription: Fails when interrupted\non_interrupted: fail\n---\n',
    'tools/careful/handler.mjs': 'export const handle = () => 1',
    'tools/repeatable/TOOL.md': '---\ndescription: Safe to repeat\nidempotent: true\n---\n',
    'tools/repeatable/handler.mjs': 'export const handle = () => 1',
  })
  t.gateway.tool({
    name: 'coded',
    description: 'A code tool',
    idempotent: true,
    onInterrupted: 'fail',
    handler: () => 1,
  })
})
afterAll(() => t.close())

describe('tool idempotency declarations', () => {
  it('reads idempotent and on_interrupted from TOOL.md and gw.tool(), and lists them', async () => {
    const tools = (await readJson(t.request('/v1/tools'))) as {
      name: string
      idempotent: boolean
      on_interrupted: string
    }[]
    const declared = Object.fromEntries(
      tools.map((tool) => [tool.name, { idempotent: tool.idempotent, on_interrupted: tool.on_interrupted }]),
    )
    expect(declared).toEqual({
      plain: { idempotent: false, on_interrupted: 'tell_model' },
      careful: { idempotent: false, on_interrupted: 'fail' },
      repeatable: { idempotent: true, on_interrupted: 'tell_model' },
      coded: { idempotent: true, on_interrupted: 'fail' },
    })
  })
})
