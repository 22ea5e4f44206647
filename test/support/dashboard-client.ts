import type { GatewayBindings } from '../../src/core/gateway-bindings.ts'
import type { Gateway } from '../../src/index.ts'

/** One parsed `Set-Cookie` header. */
export interface SetCookie {
  name: string
  value: string
  attributes: Record<string, string | true>
}

export function parseSetCookie(header: string): SetCookie {
  const [pair = '', ...rest] = header.split(';').map((part) => part.trim())
  const index = pair.indexOf('=')
  const attributes: Record<string, string | true> = {}
  for (const part of rest) {
    const at = part.indexOf('=')
    if (at === -1) attributes[part.toLowerCase()] = true
    else attributes[part.slice(0, at).toLowerCase()] = part.slice(at + 1)
  }
  return { name: pair.slice(0, index), value: pair.slice(index + 1), attributes }
}

export interface DashboardClientOptions {
  /** Public prefix in front of gateway paths in URLs (the host's mount path). @default '' */
  mountPath?: string
  /** @default 'http://gateway.test' */
  origin?: string
  bindings?: GatewayBindings
  /** Sent with every request (e.g. forwarded headers). */
  headers?: Record<string, string>
  /**
   * Send the requests over real HTTP to this server (e.g. `listening.url`) instead of calling
   * `gateway.fetch` in-process; `origin` and `bindings` are then the server's own.
   */
  baseUrl?: string
}

/**
 * A browser-like client for in-process dashboard requests: keeps cookies, and can sign in
 * through the real login form (CSRF token from the page, double-submit cookie).
 */
export function createDashboardClient(gateway: Gateway, options: DashboardClientOptions = {}) {
  const jar = new Map<string, string>()
  const origin = options.origin ?? 'http://gateway.test'
  const prefix = options.mountPath ?? ''
  const lastCookies: SetCookie[] = []

  const request = async (path: string, init: RequestInit = {}): Promise<Response> => {
    const headers = new Headers({ ...options.headers, ...(init.headers as Record<string, string>) })
    if (jar.size > 0) headers.set('cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '))
    const response = options.baseUrl
      ? await fetch(`${options.baseUrl}${prefix}${path}`, { ...init, headers, redirect: 'manual' })
      : await gateway.fetch(
          new Request(`${origin}${prefix}${path}`, { ...init, headers, redirect: 'manual' }),
          {
            mountPath: prefix || undefined,
            remoteAddress: '127.0.0.1',
            ...options.bindings,
          },
        )
    for (const header of response.headers.getSetCookie()) {
      const cookie = parseSetCookie(header)
      lastCookies.push(cookie)
      if (cookie.attributes['max-age'] === '0' || cookie.value === '') jar.delete(cookie.name)
      else jar.set(cookie.name, cookie.value)
    }
    return response
  }

  const form = (fields: Record<string, string>) => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  })

  return {
    jar,
    /** Every Set-Cookie seen, oldest first. */
    setCookies: lastCookies,
    request,
    get: (path: string, headers: Record<string, string> = {}) => request(path, { headers }),
    post: (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) => {
      const init = form(fields)
      return request(path, { ...init, headers: { ...init.headers, ...headers } })
    },
    /** The CSRF token of a dashboard page (from the meta tag or a form field). */
    async csrfToken(path: string): Promise<string> {
      const page = await (await request(path)).text()
      const match =
        /name="csrf-token" content="([^"]+)"/.exec(page) ?? /name="_csrf" value="([^"]+)"/.exec(page)
      if (!match?.[1]) throw new Error(`no CSRF token on ${path}`)
      return match[1]
    },
    /** Signs in through the login form; returns the POST's response (303 on success). */
    async login(username: string, password: string, next = ''): Promise<Response> {
      const page = await (
        await request(`/dashboard/login${next ? `?next=${encodeURIComponent(next)}` : ''}`)
      ).text()
      const token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? ''
      const nextField = /name="next" value="([^"]*)"/.exec(page)?.[1] ?? ''
      return request(
        '/dashboard/login',
        form({ _csrf: token, next: nextField.replaceAll('&amp;', '&'), username, password }),
      )
    },
  }
}

export type DashboardClient = ReturnType<typeof createDashboardClient>
