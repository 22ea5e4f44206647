import type { LanguageModelV4CallOptions } from '@ai-sdk/provider'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createScriptedModel } from '../src/testing/scripted-model.ts'
import { requireBinary } from './support/requirements.ts'
import { createTestGateway, readJson, type TestGateway } from './support/test-gateway.ts'

const python = requireBinary('python3', 'python3')

/** The model calls the tool named in the message (`tool {json}`), then repeats the tool result. */
const model = createScriptedModel((call: LanguageModelV4CallOptions) => {
  const last = call.prompt.at(-1)
  if (last?.role === 'tool') {
    const part = last.content[0]
    const output = part?.type === 'tool-result' ? part.output : undefined
    return { text: `result ${JSON.stringify(output && 'value' in output ? output.value : output)}` }
  }
  const text =
    last?.role === 'user' ? last.content.map((part) => ('text' in part ? part.text : '')).join('') : ''
  const match = /^(\S+) (.*)$/s.exec(text)
  return { toolCalls: [{ name: match?.[1] ?? 'none', arguments: match?.[2] ?? '{}' }] }
})

const tool = (front: string) => `---\n${front}\n---\nUse it well.\n`

const files: Record<string, string> = {
  'gateway.yaml': 'python:\n  workers: 2\n',
  'agents/runner/AGENT.md':
    '---\nmodel: test:python\ntools: [greet, greet-async, explode, hang, die, with-ts, schema-tool]\n---\nCall tools.\n',
  'tools/greet/TOOL.md': tool(
    'description: Greets\nparameters:\n  name: {type: string, required: true}\n  times: {type: integer, minimum: 1, default: 1}',
  ),
  'tools/greet/handler.py': [
    'import sys',
    'from helper import shout',
    '',
    'def handle(arguments, context):',
    '    print("greeting", arguments["name"])',
    '    print("to stderr", file=sys.stderr)',
    '    context.logger.info("logged")',
    '    return {',
    '        "greeting": shout("hello " + arguments["name"]) * arguments.get("times", 1),',
    '        "agent": context.agent_id,',
    '        "execution": context["execution_id"],',
    '        "call": context.call_id,',
    '        "tool": context.tool_name,',
    '        "company": context.config.get("company"),',
    '        "caller": context.caller_identity,',
    '    }',
  ].join('\n'),
  'tools/greet/helper.py': 'def shout(text):\n    return text.upper()\n',
  'tools/greet-async/TOOL.md': tool('description: Async\nparameters:\n  n: {type: integer, required: true}'),
  'tools/greet-async/handler.py':
    'import asyncio\n\nasync def handle(arguments, context):\n    await asyncio.sleep(0)\n    return arguments["n"] * 2\n',
  'tools/explode/TOOL.md': tool('description: Raises'),
  'tools/explode/handler.py':
    'def handle(arguments, context):\n    print("about to fail")\n    raise ValueError("no luck")\n',
  'tools/hang/TOOL.md': tool('description: Never returns\ntimeout_ms: 300'),
  'tools/hang/handler.py':
    'import time\n\ndef handle(arguments, context):\n    while True:\n        time.sleep(60)\n',
  'tools/die/TOOL.md': tool('description: Kills its process'),
  'tools/die/handler.py': 'import os\n\ndef handle(arguments, context):\n    os._exit(3)\n',
  'tools/with-ts/TOOL.md': tool('description: Both handlers'),
  'tools/with-ts/handler.mjs': 'export function handle() { return "from typescript" }',
  'tools/with-ts/handler.py': 'def handle(arguments, context):\n    return "from python"\n',
  'tools/schema-tool/TOOL.md': tool(
    'description: JSON Schema parameters\nparameters:\n  type: object\n  properties:\n    to: {type: string, format: email}\n  required: [to]\n  additionalProperties: false',
  ),
  'tools/schema-tool/handler.py': 'def handle(arguments):\n    return {"sent_to": arguments["to"]}\n',
}

let t: TestGateway
beforeAll(async () => {
  if (!python.available) return
  t = await createTestGateway(files, { context: { company: 'Acme' } })
  t.gateway.useModel('test:python', model)
})
afterAll(() => t?.close())

async function run(message: string) {
  const response = await t.request('/v1/agents/runner/invoke', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message }),
  })
  const body = await readJson(response)
  const detail = await readJson(t.request(`/v1/executions/${body.execution_id}`))
  const result = detail.steps.find((step: { type: string }) => step.type === 'tool_result')
  return { body, result: result?.data }
}

describe.skipIf(!python.available)('Python tool handlers (handler.py)', () => {
  it('calls handle(arguments, context) with validated arguments and the run context', async () => {
    const { body, result } = await run('greet {"name": "Ada", "times": 2}')
    expect(body.status).toBe('completed')
    expect(result.is_error).toBe(false)
    expect(result.output).toMatchObject({
      greeting: 'HELLO ADAHELLO ADA',
      agent: 'runner',
      execution: body.execution_id,
      tool: 'greet',
      company: 'Acme',
      caller: 'anonymous',
    })
    expect(result.output.call).toEqual(expect.any(String))
    expect(result.stdout).toBe('greeting Ada\n')
    expect(result.stderr).toContain('to stderr')
    expect(result.stderr).toContain('INFO agentgw.tool.greet: logged')
  })

  it('refuses invalid arguments before Python runs', async () => {
    const { result } = await run('greet {"name": 5}')
    expect(result.is_error).toBe(true)
    expect(result.output.error).toMatch(/invalid arguments: \/name must be string/)
    expect(result.stdout).toBeUndefined()
    const schema = await run('schema-tool {"to": "not-an-email"}')
    expect(schema.result.output.error).toMatch(/invalid arguments: \/to must match format "email"/)
    const ok = await run('schema-tool {"to": "ada@example.com"}')
    expect(ok.result.output).toEqual({ sent_to: 'ada@example.com' })
  })

  it('runs async handlers', async () => {
    const { result } = await run('greet-async {"n": 21}')
    expect(result.output).toBe(42)
  })

  it('turns an exception into a tool error with its traceback in the step, and the next call works', async () => {
    const { body, result } = await run('explode {}')
    expect(body.status).toBe('completed')
    expect(result).toMatchObject({
      is_error: true,
      output: { error: 'the tool failed: ValueError: no luck' },
    })
    expect(result.stdout).toBe('about to fail\n')
    expect(result.stderr).toMatch(/Traceback[\s\S]*ValueError: no luck/)
    expect((await run('greet-async {"n": 1}')).result.output).toBe(2)
  })

  it('kills a handler that hangs past timeout_ms, and the next call works', async () => {
    const { result } = await run('hang {}')
    expect(result).toMatchObject({
      is_error: true,
      output: { error: 'the tool did not finish within 300 ms' },
    })
    expect((await run('greet-async {"n": 2}')).result.output).toBe(4)
  })

  it('reports a handler that kills its own process, and the next call works', async () => {
    const { result } = await run('die {}')
    expect(result.is_error).toBe(true)
    expect(result.output.error).toMatch(/the Python worker exited \(code 3\) while running the tool/)
    expect((await run('greet-async {"n": 3}')).result.output).toBe(6)
  })

  it('keeps calls apart when several run at once', async () => {
    const runs = await Promise.all([1, 2, 3, 4, 5].map((n) => run(`greet-async {"n": ${n}}`)))
    expect(runs.map((item) => item.result.output)).toEqual([2, 4, 6, 8, 10])
  })

  it('prefers a TypeScript handler beside handler.py, with a warning', async () => {
    const { result } = await run('with-ts {}')
    expect(result.output).toBe('from typescript')
    expect(t.gateway.diagnostics).toContainEqual(
      expect.objectContaining({
        severity: 'warning',
        file: 'tools/with-ts/handler.py',
        message: 'not used: handler.mjs is the handler (remove one of them)',
      }),
    )
  })
})

describe.skipIf(!python.available)('Python tool loading', () => {
  it('fails to load a handler.py without handle(), or one that does not import', async () => {
    const broken = await createTestGateway({
      'agents/a/AGENT.md': '---\ntools: [no-handle, bad-import]\n---\nHi',
      'tools/no-handle/TOOL.md': tool('description: x'),
      'tools/no-handle/handler.py': 'def run(arguments, context):\n    return 1\n',
      'tools/bad-import/TOOL.md': tool('description: y'),
      'tools/bad-import/handler.py': 'import not_a_module_anywhere\n',
    })
    try {
      await broken.gateway.start()
      expect(broken.gateway.internalRuntime.tools.list()).toEqual([])
      const errors = broken.gateway.diagnostics
        .filter((item) => item.severity === 'error')
        .map((item) => `${item.file}: ${item.message}`)
        .sort()
      expect(errors).toEqual([
        "tools/bad-import/handler.py: ModuleNotFoundError: No module named 'not_a_module_anywhere'",
        'tools/no-handle/handler.py: RuntimeError: handler.py does not define a handle(arguments, context) function',
      ])
    } finally {
      await broken.close()
    }
  })

  it('fails to load Python tools with a clear error when python3 is not on PATH', async () => {
    const noPython = await createTestGateway(
      {
        'agents/a/AGENT.md': '---\ntools: [greet]\n---\nHi',
        'tools/greet/TOOL.md': tool('description: x'),
        'tools/greet/handler.py': 'def handle(arguments, context):\n    return 1\n',
      },
      { env: { PATH: '/nonexistent-bin' } },
    )
    try {
      await noPython.gateway.start()
      expect(noPython.gateway.internalRuntime.tools.list()).toEqual([])
      expect(noPython.gateway.diagnostics).toContainEqual(
        expect.objectContaining({
          severity: 'error',
          file: 'tools/greet/handler.py',
          message:
            'handler.py needs Python, but "python3" was not found on PATH: install Python 3 (Debian/Ubuntu: apt-get install python3) or set python.command in gateway.yaml to the interpreter to use',
        }),
      )
      const health = await readJson(noPython.request('/v1/health'))
      expect(health.status).toBe('degraded')
    } finally {
      await noPython.close()
    }
  })
})
