import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { type BrowserContext, chromium, type Page } from 'playwright-core'
import { requireBinary } from './requirements.ts'

/** Debian's Chromium, the only browser the tests drive (never a downloaded one). */
export const chromiumPath = '/usr/bin/chromium'

export function requireChromium() {
  return requireBinary('Chromium', chromiumPath, ['--version'])
}

export interface TestBrowser {
  context: BrowserContext
  page: Page
  /** Saves a screenshot as `test-artifacts/dashboard/<name>.png`. */
  screenshot(name: string): Promise<void>
  close(): Promise<void>
}

/** Headless Chromium with a fresh profile, accepting self-signed certificates (the nginx test's). */
export async function launchTestBrowser(): Promise<TestBrowser> {
  const profile = await mkdtemp(path.join(tmpdir(), 'agw-chromium-'))
  const artifacts = path.resolve('test-artifacts', 'dashboard')
  await mkdir(artifacts, { recursive: true })
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    ignoreHTTPSErrors: true,
    viewport: { width: 1280, height: 800 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
  context.setDefaultTimeout(10_000)
  const page = context.pages()[0] ?? (await context.newPage())
  return {
    context,
    page,
    screenshot: async (name) => {
      await page.screenshot({ path: path.join(artifacts, `${name}.png`) })
    },
    async close() {
      await context.close()
      await rm(profile, { recursive: true, force: true })
    },
  }
}
