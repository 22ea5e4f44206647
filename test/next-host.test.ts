import { afterEach, describe, expect, it } from 'vitest'
import { toNextHandlers } from '../src/adapters/hosts/next.ts'
import { ConfigError } from '../src/index.ts'
import {
  createMatrixGateway,
  type MatrixGateway,
  matrixDashboard,
  matrixDashboardAdmin,
} from './support/matrix-gateway.ts'

// Next.js is not installed here: its route handlers receive a `NextRequest`, which is a
// `Request` with `nextUrl`. These tests call the handlers the way Next does.

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

async function subject(): Promise<MatrixGateway> {
  // The requests below address the Next server as localhost:3000.
  const created = await createMatrixGateway(undefined, {
    server: { allowedHosts: ['localhost'] },
    dashboard: matrixDashboard,
  })
  cleanups.push(async () => {
    await created.gateway.stop()
    await created.workspace.remove()
  })
  return created
}

/** A request shaped like Next's: `request.url` includes Next's basePath. */
function nextRequest(url: string, init: RequestInit = {}, basePath?: string): Request {
  const request = new Request(url, init)
  return basePath === undefined ? request : Object.assign(request, { nextUrl: { basePath } })
}

const servers = async (response: Promise<Response>) =>
  ((await (await response).json()) as { servers: { url: string }[] }).servers[0]?.url

describe('toNextHandlers()', () => {
  it('exports one handler per method for an optional catch-all route', async () => {
    const { gateway } = await subject()
    const handlers = toNextHandlers(gateway, { mountPath: '/ai' })
    expect(Object.keys(handlers).sort()).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'])
    const head = await handlers.HEAD(nextRequest('http://localhost:3000/ai/v1/health', { method: 'HEAD' }))
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
  })

  it('serves the gateway under the route folder path', async () => {
    const { gateway } = await subject()
    const { GET, POST } = toNextHandlers(gateway, { mountPath: 'ai/' })
    const health = await GET(nextRequest('http://localhost:3000/ai/v1/health'))
    expect(health.status).toBe(200)
    expect(await servers(GET(nextRequest('http://localhost:3000/ai/openapi.json')))).toBe(
      'http://localhost:3000/ai',
    )
    const echo = await POST(
      nextRequest('http://localhost:3000/ai/test/echo', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"from":"next"}',
      }),
    )
    expect(await echo.json()).toEqual({ contentType: 'application/json', body: '{"from":"next"}' })
  })

  it("reads Next's basePath from request.nextUrl", async () => {
    const { gateway } = await subject()
    const { GET } = toNextHandlers(gateway, { mountPath: '/ai' })
    const request = nextRequest('http://localhost:3000/shop/ai/docs', {}, '/shop')
    const page = await (await GET(request)).text()
    expect(page).toContain('data-spec-url="/shop/ai/openapi.json"')
    expect(page).toContain('src="/shop/ai/docs/assets/swagger-ui-bundle.js"')
  })

  it('takes basePath from the options when given', async () => {
    const { gateway } = await subject()
    const { GET } = toNextHandlers(gateway, { mountPath: '/ai', basePath: '/shop' })
    expect(await servers(GET(nextRequest('http://localhost:3000/shop/ai/openapi.json')))).toBe(
      'http://localhost:3000/shop/ai',
    )
  })

  it('puts basePath back when Next left it out of request.url (vercel/next.js#62756)', async () => {
    const { gateway } = await subject()
    const { GET, POST } = toNextHandlers(gateway, { mountPath: '/ai', basePath: '/shop' })
    expect(await servers(GET(nextRequest('http://localhost:3000/ai/openapi.json')))).toBe(
      'http://localhost:3000/shop/ai',
    )
    const page = await (await GET(nextRequest('http://localhost:3000/ai/docs'))).text()
    expect(page).toContain('data-spec-url="/shop/ai/openapi.json"')
    const echo = await POST(
      nextRequest('http://localhost:3000/ai/test/echo', { method: 'POST', body: 'kept across the rewrite' }),
    )
    expect(((await echo.json()) as { body: string }).body).toBe('kept across the rewrite')
  })

  it('serves from the app root with mountPath ""', async () => {
    const { gateway } = await subject()
    const { GET } = toNextHandlers(gateway, { mountPath: '' })
    expect(await servers(GET(nextRequest('http://localhost:3000/openapi.json')))).toBe(
      'http://localhost:3000',
    )
    const missing = await GET(nextRequest('http://localhost:3000/v1/nope'))
    expect(missing.status).toBe(404)
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('route_not_found')
  })

  it('rejects a mount path that is not a plain prefix', async () => {
    const { gateway } = await subject()
    expect(() => toNextHandlers(gateway, { mountPath: '/ai?x' })).toThrow(ConfigError)
  })
})

/**
 * Next's redirect in front of route handlers (next.config `trailingSlash`), as `next start`
 * does it: `false` sends `/x/` to `/x`; `true` sends `/x` to `/x/` unless the last segment looks
 * like a file. A browser following its redirects, with cookies, goes through here.
 */
function createNextBrowser(handlers: ReturnType<typeof toNextHandlers>, trailingSlash: boolean) {
  const cookies = new Map<string, string>()
  const nextRedirect = (pathname: string): string | undefined => {
    if (pathname === '/') return undefined
    const file = /\.\w+$/.test(pathname.slice(pathname.lastIndexOf('/') + 1))
    if (!trailingSlash && pathname.endsWith('/')) return pathname.replace(/\/+$/, '')
    if (trailingSlash && !pathname.endsWith('/') && !file) return `${pathname}/`
    return undefined
  }
  const once = async (target: string, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(target, 'http://localhost:3000')
    const redirect = nextRedirect(url.pathname)
    if (redirect)
      return new Response(null, { status: 308, headers: { location: `${redirect}${url.search}` } })
    const headers = new Headers(init.headers)
    headers.set('cookie', [...cookies].map(([name, value]) => `${name}=${value}`).join('; '))
    const method = (init.method ?? 'GET') as keyof typeof handlers
    const response = await handlers[method](new Request(url, { ...init, headers }))
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';')
      const at = pair.indexOf('=')
      cookies.set(pair.slice(0, at), pair.slice(at + 1))
    }
    return response
  }
  return {
    /** Follows redirects; fails on a loop or more than five hops. */
    async follow(target: string, init?: RequestInit): Promise<{ response: Response; hops: string[] }> {
      const hops = [target]
      let response = await once(target, init)
      while (response.status >= 300 && response.status < 400) {
        const location = response.headers.get('location') ?? ''
        expect(hops, `redirect loop: ${[...hops, location].join(' → ')}`).not.toContain(location)
        hops.push(location)
        expect(hops.length).toBeLessThanOrEqual(5)
        response = await once(location)
      }
      return { response, hops }
    },
  }
}

describe.each([false, true])('toNextHandlers() with Next trailingSlash: %s', (trailingSlash) => {
  it('reaches the dashboard through sign-in without a redirect loop, links in Next’s form', async () => {
    const { gateway } = await subject()
    const browser = createNextBrowser(
      toNextHandlers(gateway, { mountPath: '/ai', trailingSlash }),
      trailingSlash,
    )
    for (const start of ['/ai/dashboard/', '/ai/dashboard']) {
      const { response } = await browser.follow(start)
      expect(response.status, start).toBe(200)
      expect(await response.text()).toContain('name="_csrf"')
    }
    const page = await (await browser.follow('/ai/dashboard/login')).response.text()
    const token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? ''
    const signedIn = await browser.follow(trailingSlash ? '/ai/dashboard/login/' : '/ai/dashboard/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: token, next: '', ...matrixDashboardAdmin }).toString(),
    })
    expect(signedIn.response.status, signedIn.hops.join(' → ')).toBe(200)
    const home = await signedIn.response.text()
    const links = [...home.matchAll(/(?:href|action|hx-post|hx-get)="(\/ai\/dashboard[^"#?]*)/g)].map(
      (match) => match[1] as string,
    )
    expect(links.length).toBeGreaterThan(5)
    for (const link of links) {
      const file = /\.\w+$/.test(link)
      if (!file) expect(link.endsWith('/'), link).toBe(trailingSlash)
    }
  })
})
