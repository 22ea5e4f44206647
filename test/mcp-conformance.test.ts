import { execFile } from 'node:child_process'
import type { Server } from 'node:http'
import { createRequire } from 'node:module'
import path from 'node:path'
import { promisify } from 'node:util'
import express from 'express'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toExpressHandler } from '../src/adapters/hosts/express.ts'
import { createSilentLogger } from '../src/core/logger.ts'
import { Gateway } from '../src/index.ts'
import { closeServer, listenOnLoopback } from './support/http-server.ts'
import { createTempWorkspace, type TempWorkspace } from './support/temp-workspace.ts'
import { simpleAgent } from './support/test-gateway.ts'

const run = promisify(execFile)
const conformanceCli = path.join(
  path.dirname(createRequire(import.meta.url).resolve('@modelcontextprotocol/conformance/package.json')),
  'dist',
  'index.js',
)

/**
 * The server scenarios of @modelcontextprotocol/conformance that apply to a server whose tools
 * are its agents. The others are listed in docs/mcp.md with the reason they do not apply (they
 * call the reference fixture tools such as `test_simple_text`, or test capabilities — prompts,
 * resources, completion, logging, resumable GET streams — this server does not offer).
 */
const scenarios = ['server-initialize', 'ping', 'tools-list', 'dns-rebinding-protection']

describe('@modelcontextprotocol/conformance server scenarios against {prefix}/mcp', () => {
  let workspace: TempWorkspace
  let gateway: Gateway
  let server: Server | undefined
  let url: string

  beforeAll(async () => {
    workspace = await createTempWorkspace({
      'agents/assistant/AGENT.md': simpleAgent(
        'You help.',
        'description: Answers questions\nmodel: mock:assistant',
      ),
    })
    // The conformance runner sends no credentials: this gateway runs without auth.
    gateway = new Gateway({ workspace: workspace.root, logger: createSilentLogger(), auth: { mode: 'none' } })
    const app = express()
    app.use('/ai', toExpressHandler(gateway))
    const started = await listenOnLoopback(app)
    server = started.server
    url = `http://127.0.0.1:${started.port}/ai/mcp`
  })
  afterAll(async () => {
    await closeServer(server)
    await gateway?.stop()
    await workspace?.remove()
  })

  for (const scenario of scenarios) {
    it(`passes ${scenario}`, async () => {
      const { stdout } = await run(
        process.execPath,
        [conformanceCli, 'server', '--url', url, '--scenario', scenario],
        { timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } },
      ).catch((error: { stdout?: string; stderr?: string }) => ({
        stdout: `${error.stdout}\n${error.stderr}`,
      }))
      const summary = /Passed: (\d+)\/(\d+), (\d+) failed/.exec(stdout)
      expect(summary, stdout).not.toBeNull()
      const [, passed, total, failed] = summary as RegExpExecArray
      expect(Number(failed), stdout).toBe(0)
      expect(Number(total), stdout).toBeGreaterThan(0)
      expect(passed).toBe(total)
    }, 90_000)
  }
})
