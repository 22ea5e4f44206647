import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import type { Server } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import express from 'express'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toExpressHandler } from '../src/adapters/hosts/express.ts'
import { toViewer } from '../src/core/authorization.ts'
import { Gateway, type ListeningGateway } from '../src/index.ts'
import { createLogger } from '../src/runtime/create-logger.ts'
import { createScriptedModel, type ScriptedStep } from '../src/testing/scripted-model.ts'
import { launchTestBrowser, requireChromium } from './support/browser.ts'
import { closeServer, listenOnLoopback } from './support/http-server.ts'
import { everythingEntry } from './support/mcp-everything.ts'
import { startTestOidcProvider, type TestOidcProvider, testOidcClient } from './support/oidc-provider.ts'
import { requireBinary } from './support/requirements.ts'
import { createTempWorkspace, type TempWorkspace } from './support/temp-workspace.ts'
import {
  createSelfSignedCertificate,
  forwardingDirectives,
  freePort,
  nginxBinary,
  type RunningNginx,
  startNginx,
  tlsNginxConfig,
} from './support/tls-nginx.ts'

const chromium = requireChromium()
const nginx = requireBinary('nginx', nginxBinary, ['-v'])
const openssl = requireBinary('openssl', 'openssl', ['version'])

const workspaceFiles = {
  'agents/helper/AGENT.md':
    '---\ndescription: Finds cities and answers questions\nskills: [kit]\nmodel: "mock:assistant?delay_ms=40"\n---\nYou help.\n',
  'agents/writer/AGENT.md':
    '---\ndescription: Writes things down\nmodel: mock:echo\nschedules:\n  - {name: nightly, cron: "0 2 * * *", message: Write the log}\n---\nWrite.\n',
  'skills/kit/SKILL.md': '---\ndescription: City tools\ntools: [lookup-city]\n---\n',
  'tools/lookup-city/TOOL.md':
    '---\ndescription: Look up a city\nparameters:\n  city: {type: string, required: true}\n---\n',
  'agents/mailbox/AGENT.md': `---
description: Reads your mail
scope: personal
model: mock:echo
setup_schema:
  type: object
  required: [email, api_key]
  properties:
    email: {type: string, title: Email address}
    api_key: {type: string, sensitive: true, minLength: 8}
    folders: {type: array, items: {type: string}}
    digest: {type: boolean}
    max_items: {type: integer, minimum: 1}
    tone: {type: string, enum: [formal, casual]}
---
You summarise mail.
`,
  'agents/notifier/AGENT.md':
    '---\ndescription: Tells a webhook when it is done\nmodel: mock:echo\nnotifications:\n  on_complete:\n    - {channel: webhook, target: ops}\n---\nAnswer.\n',
  'tools/lookup-city/handler.mjs':
    'export const handle = ({ city }) => ({ city, country: "Portugal", found: true })\n',
  // An agent that hands the writing to `writer`, for the workflow on the execution page.
  'agents/planner/AGENT.md':
    '---\ndescription: Plans and hands the writing on\nmodel: test:planner\ndelegates_to: [writer]\n---\nPlan.\n',
  // A tool that waits for a human's approval, for the approvals inbox.
  'agents/payer/AGENT.md':
    '---\ndescription: Pays invoices\nskills: [paying]\nmodel: mock:assistant\n---\nPay.\n',
  'skills/paying/SKILL.md': '---\ndescription: Paying\ntools: [pay]\n---\n',
  'tools/pay/TOOL.md':
    '---\ndescription: Pay the invoice\nparameters:\n  amount: {type: integer, required: true}\npermissions:\n  require_approval: true\n---\n',
  'tools/pay/handler.mjs': 'export const handle = ({ amount }) => ({ paid: amount })\n',
}

/** A model that delegates once, then answers with what the child returned. */
function delegatingOnce(target: string, message: string) {
  return createScriptedModel(
    (call): ScriptedStep =>
      call.prompt.some((entry) => entry.role === 'tool')
        ? { text: 'planned and written down' }
        : { toolCalls: [{ name: 'delegate_to_agent', arguments: { agent_id: target, message } }] },
  )
}

interface Mode {
  name: 'standalone' | 'mounted'
  /** `scheme://host:port` as the browser sees it. */
  origin: string
  /** The public prefix in front of gateway paths. */
  prefix: string
  gateway: Gateway
}

const dayMs = 86_400_000

describe.skipIf(!chromium.available || !nginx.available || !openssl.available)(
  'the dashboard in Chromium',
  // Whole journeys through a real browser: the bound is a hang guard, generous enough for a
  // busy two-core machine.
  { timeout: 60_000 },
  () => {
    const modes = new Map<Mode['name'], Mode>()
    const workspaces: TempWorkspace[] = []
    let provider: TestOidcProvider | undefined
    let standalone: ListeningGateway | undefined
    let backend: Server | undefined
    let proxy: RunningNginx | undefined
    let dir: string | undefined
    // A webhook receiver that never accepts: its deliveries end dead, to be redelivered.
    let receiver: Server | undefined
    let receiverHits = 0

    beforeAll(async () => {
      const providerPort = await freePort()
      const issuer = `http://localhost:${providerPort}`
      const hook = await listenOnLoopback((_request, response) => {
        receiverHits += 1
        response.writeHead(503)
        response.end('down')
      })
      receiver = hook.server
      const makeGateway = async () => {
        const workspace = await createTempWorkspace(workspaceFiles)
        workspaces.push(workspace)
        const gateway = new Gateway({
          workspace: workspace.root,
          auth: { mode: 'none' },
          notifications: {
            allowedNetworks: ['loopback'],
            maxAttempts: 2,
            retryBackoffMs: 10,
            webhooks: [{ name: 'ops', url: `http://127.0.0.1:${hook.port}/hook` }],
          },
          logger: createLogger({ level: 'silent' }),
          secrets: { key: randomBytes(32).toString('base64') },
        })
        gateway.useModel('test:planner', delegatingOnce('writer', 'write the plan down'))
        return gateway.useDashboard({
          authUsername: 'alice',
          authPassword: 'alice-password',
          adminUsername: 'root',
          adminPassword: 'root-password',
          oauth2Issuer: issuer,
          oauth2ClientId: testOidcClient.clientId,
          oauth2ClientSecret: testOidcClient.clientSecret,
          adminUsers: ['erin@example.test'],
        })
      }

      const alone = await makeGateway()
      standalone = await alone.listen({ port: 0, host: '127.0.0.1' })
      modes.set('standalone', { name: 'standalone', origin: standalone.url, prefix: '', gateway: alone })

      const mounted = await makeGateway()
      mounted.useProxyHeaders({ forwardedAllowIps: '127.0.0.1' })
      const app = express()
      app.get('/', (_request, response) => {
        response.send('host app')
      })
      app.use('/ai', toExpressHandler(mounted))
      const started = await listenOnLoopback(app)
      backend = started.server
      dir = await mkdtemp(path.join(tmpdir(), 'agw-dash-nginx-'))
      await createSelfSignedCertificate(dir)
      const port = await freePort()
      const locations = `
    location /public/ai/ {
      proxy_pass http://127.0.0.1:${started.port}/ai/;${forwardingDirectives('/public')}
    }`
      proxy = await startNginx({ dir, port, config: tlsNginxConfig({ dir, port, locations }) })
      modes.set('mounted', { name: 'mounted', origin: proxy.origin, prefix: '/public/ai', gateway: mounted })

      provider = await startTestOidcProvider({
        port: providerPort,
        redirectUris: [...modes.values()].map(
          (mode) => `${mode.origin}${mode.prefix}/dashboard/oauth2/callback`,
        ),
      })
    }, 60_000)

    afterAll(async () => {
      await standalone?.close()
      await proxy?.stop()
      await modes.get('mounted')?.gateway.stop()
      await closeServer(backend)
      await closeServer(receiver)
      await provider?.close()
      await Promise.all(workspaces.map((workspace) => workspace.remove()))
      if (dir) await rm(dir, { recursive: true, force: true })
    })

    const mode = (name: Mode['name']) => modes.get(name) as Mode

    async function signInWithBreakGlass(page: Page, username: string, password: string): Promise<void> {
      const form = page.getByTestId('password-form')
      if (!(await form.isVisible())) await page.locator('.break-glass-summary').click()
      await form.locator('input[name=username]').fill(username)
      await form.locator('input[name=password]').fill(password)
      await form.locator('button[type=submit]').click()
    }

    for (const name of ['standalone', 'mounted'] as const) {
      it(`${name}: SSO user streams a chat and signs out; the break-glass admin sees the execution, its trace, and retries it`, async () => {
        const { origin, prefix } = mode(name)
        const dashboard = `${origin}${prefix}/dashboard`
        const browser = await launchTestBrowser()
        const { page } = browser
        try {
          await page.goto(`${dashboard}/`)
          await page.waitForURL(`${dashboard}/login?next=${encodeURIComponent(`${prefix}/dashboard/`)}`)
          await page.getByTestId('sso-button').waitFor()
          await page.locator('.break-glass-summary').waitFor()
          await browser.screenshot(`${name}-1-login`)

          // SSO at the provider: its development screens sign in any name, then ask for consent.
          await page.getByTestId('sso-button').click()
          await page.waitForURL(/^http:\/\/localhost:\d+\/interaction\//)
          await page.locator('input[name=login]').fill('dana')
          await page.locator('input[name=password]').fill('any password')
          await page.locator('button[type=submit]').click()
          await page.locator('button[type=submit]').click()
          await page.waitForURL(`${dashboard}/`)
          await expect.poll(() => page.locator('.user-name').textContent()).toBe('dana')
          // The session cookie is scoped to the public dashboard path, and Secure behind the TLS proxy.
          const session = (await browser.context.cookies()).find((cookie) => cookie.name === 'agw_session')
          expect(session).toMatchObject({
            path: `${prefix}/dashboard`,
            httpOnly: true,
            sameSite: 'Lax',
            secure: name === 'mounted',
          })
          expect(await page.locator('a.nav-link[href$="/dashboard/analytics"]').count()).toBe(0)
          await browser.screenshot(`${name}-2-agents`)

          await page.locator('a.nav-link[href$="/dashboard/chat"]').click()
          await page.waitForURL(`${dashboard}/chat`)
          await page.getByTestId('chat-input').fill('Find the city Lisbon please')
          await page.getByTestId('chat-input').press('Enter')
          // Tokens arrive one by one: some text shows while the answer is still streaming.
          const partial = await page.waitForFunction(() => {
            // Runs in the page (a function, not a string: the CSP forbids eval).
            const { document } = globalThis as unknown as {
              document: { querySelector(selector: string): { textContent: string | null } | null }
            }
            const body = document.querySelector(
              '[data-testid="assistant-message"][data-state="streaming"] .message-body',
            )
            return body?.textContent || false
          })
          const intermediate = String(await partial.jsonValue())
          await page.locator('[data-testid="assistant-message"][data-state="done"]').waitFor()
          const final =
            (await page.locator('[data-testid="assistant-message"] .message-body').textContent()) ?? ''
          expect(intermediate.length).toBeLessThan(final.length)
          expect(final.replace(/\s+/g, ' ')).toContain(intermediate.trim().replace(/\s+/g, ' ').slice(0, 12))
          expect(await page.locator('.tool-call code').first().textContent()).toBe('lookup-city')
          expect(await page.getByTestId('chat-spinner').isHidden()).toBe(true)
          expect(await page.getByTestId('session-id').textContent()).toMatch(/^sess_/)
          await browser.screenshot(`${name}-3-chat`)

          await page.getByTestId('logout').click()
          await page.waitForURL(`${dashboard}/login`)

          // Break-glass admin form beside the SSO button.
          await signInWithBreakGlass(page, 'root', 'root-password')
          await page.waitForURL(`${dashboard}/`)
          await page.locator('a.nav-link[href$="/dashboard/executions"]').click()
          const row = page.locator('tr[data-execution]', { hasText: 'sso:dana' }).first()
          await row.waitFor()
          expect(await row.textContent()).toContain('helper')
          expect(await row.getByTestId('execution-status').textContent()).toBe('completed')
          await browser.screenshot(`${name}-4-executions`)

          await row.locator('a').click()
          await expect.poll(() => page.getByTestId('trace-step').count()).toBe(4)
          expect(await page.getByTestId('trace').textContent()).toContain('lookup-city')
          await browser.screenshot(`${name}-5-trace`)

          // Retry runs the same agent, message and input as a new execution, and shows it.
          const original = page.url()
          await page.getByTestId('retry').click()
          await page.waitForURL(
            (url) => url.href !== original && url.pathname.startsWith(`${prefix}/dashboard/executions/exec_`),
          )
          // The page follows the running execution live (htmx SSE) until it completes.
          await expect
            .poll(() => page.getByTestId('execution-status').first().textContent(), { timeout: 15_000 })
            .toBe('completed')
          await expect.poll(() => page.getByTestId('trace-step').count()).toBe(4)
          await browser.screenshot(`${name}-6-retry`)
        } finally {
          await browser.close()
        }
      })

      it(`${name}: the admin finds a dead notification in the delivery log, reads its payload and redelivers it`, async () => {
        const { origin, prefix, gateway } = mode(name)
        const dashboard = `${origin}${prefix}/dashboard`
        const run = await gateway.invoke('notifier', 'Tell ops')
        const browser = await launchTestBrowser()
        const { page } = browser
        try {
          await page.goto(`${dashboard}/login`)
          await signInWithBreakGlass(page, 'root', 'root-password')
          await page.waitForURL(`${dashboard}/`)
          await page.locator('a.nav-link[href$="/dashboard/notifications"]').click()
          await page.waitForURL(`${dashboard}/notifications`)
          // Two failed attempts make it dead; filter the log for dead deliveries.
          await expect
            .poll(
              async () => {
                await page.locator('select[name=status]').selectOption('dead')
                await page.getByTestId('notification-filters').locator('button[type=submit]').click()
                await page.waitForURL((url) => url.searchParams.get('status') === 'dead')
                return page.locator('tr[data-delivery]', { hasText: 'notifier' }).count()
              },
              { timeout: 15_000 },
            )
            .toBeGreaterThan(0)
          const row = page.locator('tr[data-delivery]', { hasText: 'notifier' }).first()
          expect(await row.getByTestId('delivery-status').textContent()).toBe('dead')
          await browser.screenshot(`${name}-notifications-1-log`)

          await row.locator('a').click()
          await page.waitForURL((url) => url.pathname.startsWith(`${prefix}/dashboard/notifications/msg_`))
          expect(await page.getByTestId('delivery-payload').textContent()).toContain(run.executionId)
          expect(await page.getByTestId('attempts-table').locator('tbody tr').count()).toBe(2)
          expect(await page.getByTestId('delivery-error').textContent()).toContain('HTTP 503')
          await browser.screenshot(`${name}-notifications-2-detail`)

          const hitsBefore = receiverHits
          await page.getByTestId('redeliver').click()
          await page.waitForURL((url) => url.pathname.startsWith(`${prefix}/dashboard/notifications/msg_`))
          await expect
            .poll(
              async () => {
                await page.reload()
                return page.getByTestId('attempts-table').locator('tbody tr').count()
              },
              { timeout: 15_000 },
            )
            .toBe(4)
          expect(receiverHits - hitsBefore).toBeGreaterThanOrEqual(2)
        } finally {
          await browser.close()
        }
      })

      it(`${name}: the admin pauses and triggers a workspace schedule, then creates, edits and deletes an admin schedule`, async () => {
        const { origin, prefix } = mode(name)
        const dashboard = `${origin}${prefix}/dashboard`
        const browser = await launchTestBrowser()
        const { page } = browser
        try {
          await page.goto(`${dashboard}/login`)
          await signInWithBreakGlass(page, 'root', 'root-password')
          await page.waitForURL(`${dashboard}/`)
          await page.locator('a.nav-link[href$="/dashboard/schedules"]').click()
          await page.waitForURL(`${dashboard}/schedules`)
          const nightly = page.locator('tr[data-schedule="writer:nightly"]')
          expect(await nightly.getByTestId('cron-words').textContent()).toBe('every day at 02:00')
          expect(await nightly.getByTestId('schedule-state').textContent()).toBe('enabled')
          await browser.screenshot(`${name}-schedules-1-list`)

          await nightly.getByTestId('schedule-pause').click()
          const nightlyPath = `${prefix}/dashboard/schedules/${encodeURIComponent('writer:nightly')}`
          await page.waitForURL((url) => url.pathname === nightlyPath)
          expect(await page.getByTestId('schedule-state').textContent()).toBe('paused')
          expect(await page.getByTestId('schedule-workspace-note').isVisible()).toBe(true)
          expect(await page.getByTestId('schedule-edit').count()).toBe(0)
          await page.getByTestId('schedule-trigger').click()
          await page.waitForURL((url) => url.pathname === nightlyPath)
          const run = page.getByTestId('schedule-runs').locator('tbody tr', { hasText: 'manual' })
          expect(await run.count()).toBe(1)
          await run.locator('a').click()
          await page.waitForURL((url) => url.pathname.startsWith(`${prefix}/dashboard/executions/`))
          await page.goBack()
          await page.getByTestId('schedule-resume').click()
          await page.waitForURL((url) => url.pathname === nightlyPath)
          expect(await page.getByTestId('schedule-state').textContent()).toBe('enabled')
          await browser.screenshot(`${name}-schedules-2-detail`)

          // A bad cron is explained on the form; a good one creates an admin schedule.
          await page.goto(`${dashboard}/schedules`)
          const create = page.getByTestId('schedule-new')
          await create.locator('select[name=agent_id]').selectOption('helper')
          await create.locator('input[name=name]').fill('digest')
          await create.locator('input[name=cron]').fill('99 * * * *')
          await create.locator('textarea[name=message]').fill('Digest the day')
          await create.locator('button[type=submit]').click()
          await page.getByTestId('schedule-error').waitFor()
          await page.getByTestId('schedule-new').locator('input[name=cron]').fill('30 17 * * 1-5')
          await page.getByTestId('schedule-new').locator('button[type=submit]').click()
          const digestPath = `${prefix}/dashboard/schedules/${encodeURIComponent('admin:helper:digest')}`
          await page.waitForURL((url) => url.pathname === digestPath)
          expect(await page.getByTestId('cron-words').textContent()).toBe('on weekdays at 17:30')

          const edit = page.getByTestId('schedule-edit')
          await edit.locator('input[name=cron]').fill('@hourly')
          await edit.locator('input[name=timezone]').fill('Europe/Lisbon')
          await edit.locator('button[type=submit]').click()
          await page.waitForURL((url) => url.pathname === digestPath)
          expect(await page.getByTestId('cron-words').textContent()).toBe('every hour')
          expect(await page.locator('.facts').textContent()).toContain('Europe/Lisbon')
          await browser.screenshot(`${name}-schedules-3-admin`)

          await page.getByTestId('schedule-delete').click()
          await page.waitForURL(`${dashboard}/schedules`)
          expect(await page.locator('tr[data-schedule="admin:helper:digest"]').count()).toBe(0)
        } finally {
          await browser.close()
        }
      })

      it(`${name}: a user sets up a personal agent in the form generated from its schema; the secret never reaches the browser`, async () => {
        const { origin, prefix, gateway } = mode(name)
        const dashboard = `${origin}${prefix}/dashboard`
        const secret = `mail-token-${randomBytes(6).toString('hex')}`
        const runtime = gateway.internalRuntime
        const agent = await runtime.agents.get('mailbox')
        if (!agent) throw new Error('the mailbox agent did not load')
        const alice = toViewer({ id: 'user:alice', kind: 'user', scopes: [] })
        const browser = await launchTestBrowser()
        const { page } = browser
        try {
          await page.goto(`${dashboard}/login`)
          await signInWithBreakGlass(page, 'alice', 'alice-password')
          await page.waitForURL(`${dashboard}/`)
          const card = page.locator('[data-agent="mailbox"]')
          expect(await card.getByTestId('setup-badge').textContent()).toBe('setup required')
          // Without a setup the agent refuses to run, pointing to the form under the prefix.
          const refused = await page.request.post(`${dashboard}/chat/stream`, {
            headers: {
              'content-type': 'application/json',
              'x-csrf-token': (await page.locator('meta[name=csrf-token]').getAttribute('content')) ?? '',
            },
            data: { agent_id: 'mailbox', message: 'hi' },
          })
          expect(await refused.text()).toContain('setup_required')

          await card.getByTestId('setup-link').click()
          await page.waitForURL(`${dashboard}/agents/mailbox/setup`)
          expect(await page.getByTestId('setup-state').textContent()).toBe('setup required')
          const form = page.getByTestId('setup-form')
          await form.locator('[data-field=email]').fill('alice@example.com')
          await form.locator('[data-field=api_key]').fill('short')
          await form.locator('[data-field=folders]').fill('inbox, work')
          await form.locator('[data-field=digest]').check()
          await form.locator('[data-field=max_items]').fill('5')
          await form.locator('[data-field=tone]').selectOption('casual')
          await form.locator('[data-field=instructions]').fill('Call me Captain.')
          // A value the schema refuses comes back with the error, the other fields kept.
          await page.getByTestId('setup-save').click()
          await page.getByTestId('setup-error').waitFor()
          expect(await form.locator('[data-field=email]').inputValue()).toBe('alice@example.com')
          expect(await form.locator('[data-field=api_key]').inputValue()).toBe('')
          await form.locator('[data-field=api_key]').fill(secret)
          await page.getByTestId('setup-save').click()
          await page.waitForURL(`${dashboard}/agents`)
          expect(await page.locator('[data-agent="mailbox"]').getByTestId('setup-badge').textContent()).toBe(
            'configured',
          )
          await browser.screenshot(`${name}-9-personal-configured`)
          const stored = await runtime.personalConfigs.forRun(agent, alice)
          expect(stored).toMatchObject({
            values: {
              email: 'alice@example.com',
              api_key: secret,
              folders: ['inbox', 'work'],
              digest: true,
              max_items: 5,
              tone: 'casual',
            },
            instructions: 'Call me Captain.',
          })

          // The form shows the stored values but never the secret; blank keeps it.
          await page.locator('[data-agent="mailbox"]').getByTestId('setup-link').click()
          await page.waitForURL(`${dashboard}/agents/mailbox/setup`)
          expect(await page.getByTestId('setup-state').textContent()).toBe('configured')
          expect(await page.content()).not.toContain(secret)
          expect(await form.locator('[data-field=api_key]').inputValue()).toBe('')
          expect(await form.locator('[data-field=folders]').inputValue()).toBe('inbox, work')
          await form.locator('[data-field=tone]').selectOption('formal')
          await form.locator('[data-field=digest]').uncheck()
          await page.getByTestId('setup-save').click()
          await page.waitForURL(`${dashboard}/agents`)
          expect((await runtime.personalConfigs.forRun(agent, alice))?.values).toMatchObject({
            api_key: secret,
            tone: 'formal',
            digest: false,
          })

          // Deleting the setup brings the badge back.
          await page.goto(`${dashboard}/agents/mailbox/setup`)
          await page.getByTestId('setup-delete').click()
          await page.waitForURL(`${dashboard}/agents`)
          expect(await page.locator('[data-agent="mailbox"]').getByTestId('setup-badge').textContent()).toBe(
            'setup required',
          )
        } finally {
          await browser.close()
        }
      })

      it(`${name}: an admin adds an MCP server, sees it connect with its tools, tests, disables and deletes it`, async () => {
        const { origin, prefix } = mode(name)
        const dashboard = `${origin}${prefix}/dashboard`
        const secret = `mcp-env-secret-${name}`
        const browser = await launchTestBrowser()
        const { page } = browser
        try {
          await page.goto(`${dashboard}/login`)
          await signInWithBreakGlass(page, 'root', 'root-password')
          await page.waitForURL(`${dashboard}/`)
          await page.locator('a.nav-link[href$="/dashboard/mcp-servers"]').click()
          await page.waitForURL(`${dashboard}/mcp-servers`)

          const form = page.getByTestId('mcp-create-form')
          if (!(await form.isVisible())) await page.getByTestId('mcp-add').click()
          await form.locator('input[name=name]').fill('everything')
          await form.locator('input[name=command]').fill(process.execPath)
          await form.locator('textarea[name=args]').fill(`${everythingEntry}\nstdio`)
          await form.locator('textarea[name=env]').fill(JSON.stringify({ EVERYTHING_SECRET: secret }))
          await form.getByTestId('mcp-create').click()
          await page.waitForURL(`${dashboard}/mcp-servers`)

          const card = page.locator('[data-mcp-server="everything"]')
          const deadline = Date.now() + 30_000
          while (
            (await card.getByTestId('mcp-status').textContent()) !== 'connected' &&
            Date.now() < deadline
          ) {
            await new Promise((resolve) => setTimeout(resolve, 300))
            await page.reload()
          }
          expect(await card.getByTestId('mcp-status').textContent()).toBe('connected')
          expect(await card.getByTestId('mcp-tools').textContent()).toContain('everything__echo')
          expect(await page.content()).not.toContain(secret)
          await browser.screenshot(`${name}-mcp-servers`)

          await card.getByTestId('mcp-test').click()
          await page.waitForURL(`${dashboard}/mcp-servers/everything/test`)
          expect(await page.getByTestId('mcp-notice').textContent()).toMatch(
            /everything: connected, \d+ tools/,
          )

          await page.goto(`${dashboard}/mcp-servers`)
          await card.locator('details.edit summary').click()
          await card.locator('input[name=enabled]').uncheck()
          await card.getByTestId('mcp-save').click()
          await page.waitForURL(`${dashboard}/mcp-servers`)
          expect(await card.getByTestId('mcp-status').textContent()).toBe('disabled')
          expect(await page.content()).toContain('EVERYTHING_SECRET')
          expect(await page.content()).not.toContain(secret)

          await card.getByTestId('mcp-delete').click()
          await page.waitForURL(`${dashboard}/mcp-servers`)
          expect(await page.locator('[data-mcp-server="everything"]').count()).toBe(0)
        } finally {
          await browser.close()
        }
      })

      it(`${name}: the admin reloads the workspace from the sidebar and sees the new agent and version`, async () => {
        const { origin, prefix, gateway } = mode(name)
        const dashboard = `${origin}${prefix}/dashboard`
        const browser = await launchTestBrowser()
        const { page } = browser
        let file: string | undefined
        try {
          await page.goto(`${dashboard}/login`)
          await signInWithBreakGlass(page, 'root', 'root-password')
          await page.waitForURL(`${dashboard}/`)
          // The gateway has started by now (a mounted one starts on its first request).
          file = path.join(gateway.internalRuntime.workspace.root, 'agents', `reloaded${name}`, 'AGENT.md')
          const before = (await page.getByTestId('workspace-version').textContent())?.trim()
          await mkdir(path.dirname(file), { recursive: true })
          await writeFile(file, '---\ndescription: Arrived by reload\nmodel: mock:echo\n---\nNew.\n')
          await page.getByTestId('workspace-reload').click()
          await page.waitForURL(`${dashboard}/agents`)
          expect((await page.getByTestId('workspace-version').textContent())?.trim()).not.toBe(before)
          expect(await page.content()).toContain('Arrived by reload')
        } finally {
          await browser.close()
          if (file) {
            // Back to the workspace the other tests expect.
            await rm(path.dirname(file), { recursive: true, force: true })
            await gateway.internalRuntime.reloader.reload({ announce: false })
          }
        }
      })

      it(`${name}: the admin approves a paused run with edited arguments from the approvals inbox`, async () => {
        const { origin, prefix, gateway } = mode(name)
        const dashboard = `${origin}${prefix}/dashboard`
        const paused = await gateway.invoke('payer', 'pay the invoice please')
        expect(paused.status).toBe('awaiting_approval')
        // A second one stays pending, so the prefix crawler sees an inbox with a form in it.
        expect((await gateway.invoke('payer', 'pay the invoice please')).status).toBe('awaiting_approval')
        const browser = await launchTestBrowser()
        const { page } = browser
        try {
          await page.goto(`${dashboard}/login`)
          await signInWithBreakGlass(page, 'root', 'root-password')
          await page.waitForURL(`${dashboard}/`)
          await page.locator('a.nav-link[href$="/dashboard/approvals"]').click()
          await page.waitForURL(`${dashboard}/approvals`)
          const item = page.locator(`[data-testid="approval"][data-execution="${paused.executionId}"]`)
          await item.waitFor()
          expect(await item.getByTestId('approval-tool').textContent()).toBe('pay')
          await browser.screenshot(`${name}-7-approvals`)
          await item.getByTestId('approval-arguments').fill('{"amount": 7}')
          await item.getByTestId('approve').click()
          await page.waitForURL(`${dashboard}/approvals`)
          await expect.poll(() => item.count()).toBe(0)
          // The run resumes on a worker and calls the tool with the edited arguments.
          const store = gateway.internalRuntime.executions.store
          await expect
            .poll(async () => (await store.get(paused.executionId))?.status, { timeout: 20_000 })
            .toBe('completed')
          expect(JSON.stringify((await store.get(paused.executionId))?.result?.output)).toContain('paid')
          const steps = await store.listSteps(paused.executionId)
          expect(steps.find((step) => step.type === 'tool_result')?.data).toMatchObject({
            output: { paid: 7 },
          })
        } finally {
          await browser.close()
        }
      })

      it(`${name}: a delegating run's execution page shows its workflow; the child links back to its parent`, async () => {
        const { origin, prefix, gateway } = mode(name)
        const dashboard = `${origin}${prefix}/dashboard`
        const parent = await gateway.invoke('planner', 'plan the week')
        expect(parent.status).toBe('completed')
        const browser = await launchTestBrowser()
        const { page } = browser
        try {
          await page.goto(`${dashboard}/login`)
          await signInWithBreakGlass(page, 'root', 'root-password')
          await page.waitForURL(`${dashboard}/`)
          await page.goto(`${dashboard}/executions/${parent.executionId}`)
          const workflow = page.getByTestId('workflow')
          await workflow.waitFor()
          expect(await workflow.getByTestId('workflow-node').count()).toBe(2)
          // planner asked its model twice (delegate, then answer), writer once.
          expect(await workflow.getByTestId('workflow-calls').textContent()).toBe('3')
          const child = workflow.locator('[data-testid="workflow-node"] [data-testid="workflow-node"]')
          const childId = await child.getAttribute('data-execution')
          expect(childId).toBeTruthy()
          expect(childId).not.toBe(parent.executionId)
          await child.locator('a').click()
          await page.waitForURL(`${dashboard}/executions/${childId}`)
          const back = page.getByTestId('workflow-parent')
          expect(await back.getAttribute('href')).toBe(`${prefix}/dashboard/executions/${parent.executionId}`)
          await browser.screenshot(`${name}-workflow`)
          await back.click()
          await page.waitForURL(`${dashboard}/executions/${parent.executionId}`)
        } finally {
          await browser.close()
        }
      })

      it(`${name}: every dashboard page an admin can reach stays under the public prefix and on this origin`, async () => {
        const { origin, prefix } = mode(name)
        const dashboard = `${origin}${prefix}/dashboard`
        const browser = await launchTestBrowser()
        const { page } = browser
        const requests: string[] = []
        const redirects: string[] = []
        const failures: string[] = []
        // CSP violations and script errors show up here: the pages must run without any.
        const consoleErrors: string[] = []
        page.on('console', (message) => {
          if (message.type() === 'error') consoleErrors.push(message.text())
        })
        page.on('pageerror', (error) => consoleErrors.push(error.message))
        page.on('request', (request) => requests.push(request.url()))
        // Anything addressed to another origin is recorded and never leaves the browser.
        const external: string[] = []
        await page.route('**/*', (route) => {
          const url = route.request().url()
          if (new URL(url).origin === origin) return route.continue()
          external.push(url)
          return route.abort()
        })
        page.on('response', (response) => {
          const location = response.headers().location
          if (location) redirects.push(new URL(location, response.url()).href)
          if (response.status() >= 400) failures.push(`${response.status()} ${response.url()}`)
        })
        try {
          await page.goto(`${dashboard}/login`)
          await signInWithBreakGlass(page, 'root', 'root-password')
          await page.waitForURL(`${dashboard}/`)

          // The theme toggle cycles auto → light → dark, and the choice survives a reload.
          const mode = () => page.locator('html').getAttribute('data-theme-mode')
          expect(await mode()).toBe('auto')
          await page.locator('[data-theme-toggle]').click()
          await page.locator('[data-theme-toggle]').click()
          expect(await mode()).toBe('dark')
          await page.reload()
          expect(await mode()).toBe('dark')
          await browser.screenshot(`${name}-8-dark`)

          const inside = (url: URL) => url.origin === origin && url.pathname.startsWith(`${prefix}/dashboard`)
          const seen = new Set<string>()
          const queue = [`${dashboard}/`]
          const outside: string[] = []
          while (queue.length > 0 && seen.size < 40) {
            const next = queue.shift() as string
            if (seen.has(next)) continue
            seen.add(next)
            await page.goto(next)
            const urls = await page.$$eval(
              '[href], [src], [action], [hx-get], [hx-post], [sse-connect]',
              (elements) =>
                elements.flatMap((element) =>
                  ['href', 'src', 'action', 'hx-get', 'hx-post', 'sse-connect']
                    .map((name) => element.getAttribute(name))
                    .filter((value): value is string => value !== null),
                ),
            )
            for (const raw of urls) {
              const url = new URL(raw, next)
              if (!inside(url)) outside.push(`${raw} on ${next}`)
              // Follow page links (not assets, actions or streams).
              else if (
                !/\/static\/|\/live|\/logout$|\/retry$|\/redeliver$|\/toggle$|\/edit$|\/delete$|\/test$|\/refresh$|\/reload$|\/decide$|\/pause$|\/resume$|\/trigger$/.test(
                  url.pathname,
                )
              ) {
                url.hash = ''
                queue.push(url.href)
              }
            }
          }
          expect(seen.size).toBeGreaterThanOrEqual(8)
          // The schedules list and a schedule's page are among the pages crawled.
          expect(
            [...seen].filter((url) => new URL(url).pathname.startsWith(`${prefix}/dashboard/schedules`)),
          ).toEqual(
            expect.arrayContaining([`${dashboard}/schedules`, `${dashboard}/schedules/writer%3Anightly`]),
          )
          expect(outside).toEqual([])
          expect(redirects.filter((url) => !inside(new URL(url)))).toEqual([])
          expect(requests.filter((url) => new URL(url).origin !== origin)).toEqual([])
          expect(external).toEqual([])
          expect(failures).toEqual([])
          expect(consoleErrors).toEqual([])
        } finally {
          await browser.close()
        }
      })
    }

    it('standalone: a session that expires mid-chat sends the browser to the login page, no spinner left', async () => {
      const { origin, gateway } = mode('standalone')
      const browser = await launchTestBrowser()
      const { page } = browser
      try {
        await page.goto(`${origin}/dashboard/login`)
        await signInWithBreakGlass(page, 'alice', 'alice-password')
        await page.waitForURL(`${origin}/dashboard/`)
        await page.goto(`${origin}/dashboard/chat?agent_id=writer`)
        // Every session ends server-side, as when it expires or is revoked on another instance.
        await gateway.internalRuntime.dashboard?.sessions.deleteExpired(Date.now() + 365 * dayMs)
        await page.getByTestId('chat-input').fill('Are you still there?')
        await page.getByTestId('chat-send').click()
        await page.waitForURL(
          `${origin}/dashboard/login?next=${encodeURIComponent('/dashboard/chat?agent_id=writer')}`,
        )
        await page.getByTestId('password-form').waitFor({ state: 'attached' })
        await browser.screenshot('standalone-7-expired')
      } finally {
        await browser.close()
      }
    })
  },
)
