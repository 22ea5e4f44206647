import { normalizeOptionalPrefix, normalizePrefix, stripMountPath } from '../../core/url/path-prefix.ts'
import type { FetchGateway } from './gateway-like.ts'
import { toStandardRequest } from './to-standard-request.ts'

/** Options of `toNextHandlers()`. */
export interface NextHandlersOptions {
  /**
   * Where the route file lives, as a URL path: `/ai` for `app/ai/[[...path]]/route.ts`, `''`
   * for `app/[[...path]]/route.ts`. Without Next's `basePath`.
   *
   * @example '/ai'
   */
  mountPath: string
  /**
   * Next's `basePath` from next.config. Give it explicitly: depending on the Next version,
   * route handlers see it in `request.url` or not (vercel/next.js#62756), and
   * `request.nextUrl.basePath` is only known when it is there. Both cases are handled.
   *
   * @default request.nextUrl.basePath, else ''
   */
  basePath?: string
  /**
   * Next's `trailingSlash` from next.config. Next redirects every path to its form before a
   * route handler runs — `false`: `/ai/dashboard/` → `/ai/dashboard` — so the gateway must
   * build its links in that form and never redirect to the other one, or the two redirect in
   * a loop. Give the same value as next.config.
   *
   * @default false (Next's default)
   */
  trailingSlash?: boolean
}

/** A Next.js route handler. Next passes a `NextRequest`, which is a `Request`. */
export type NextRouteHandler = (request: Request) => Promise<Response>

/** One handler per method, to export from an optional catch-all `route.ts`. */
export interface NextHandlers {
  GET: NextRouteHandler
  POST: NextRouteHandler
  PUT: NextRouteHandler
  PATCH: NextRouteHandler
  DELETE: NextRouteHandler
  OPTIONS: NextRouteHandler
  HEAD: NextRouteHandler
}

/** The part of `NextRequest` we read, without depending on Next's types. */
interface WithNextUrl {
  nextUrl?: { basePath?: string }
}

/**
 * Route handlers for Next.js (App Router) serving the gateway from an optional catch-all route:
 *
 * ```ts
 * // app/ai/[[...path]]/route.ts
 * export const { GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD } = toNextHandlers(gw, { mountPath: '/ai' })
 * ```
 *
 * The public prefix is Next's `basePath` plus `mountPath`. Next gives route handlers no TCP
 * peer address, so forwarded headers are believed only with `forwardedAllowIps: '*'` — safe
 * only when the proxy is the sole way in. Behind a proxy that strips a prefix, prefer
 * `server.root_path`.
 */
export function toNextHandlers(gateway: FetchGateway, options: NextHandlersOptions): NextHandlers {
  const mountPath = normalizeOptionalPrefix(options.mountPath, 'toNextHandlers() mountPath')
  const configuredBasePath =
    options.basePath === undefined
      ? undefined
      : normalizeOptionalPrefix(options.basePath, 'toNextHandlers() basePath')
  const trailingSlash = options.trailingSlash === true ? 'always' : 'never'
  const handle: NextRouteHandler = (request) => {
    const basePath = configuredBasePath ?? normalizePrefix((request as WithNextUrl).nextUrl?.basePath ?? '')
    const url = new URL(request.url)
    const missingBasePath =
      basePath !== '' &&
      stripMountPath(url.pathname, `${basePath}${mountPath}`) === undefined &&
      stripMountPath(url.pathname, mountPath) !== undefined
    if (missingBasePath) {
      // Some Next versions strip basePath from route handlers' request.url (vercel/next.js
      // #62756); put it back so the gateway's links carry it.
      url.pathname = `${basePath}${url.pathname}`
      return gateway.fetch(toStandardRequest(request, url.href), {
        mountPath: `${basePath}${mountPath}`,
        trailingSlash,
      })
    }
    return gateway.fetch(request, { mountPath: `${basePath}${mountPath}`, trailingSlash })
  }
  return {
    GET: handle,
    POST: handle,
    PUT: handle,
    PATCH: handle,
    DELETE: handle,
    OPTIONS: handle,
    HEAD: handle,
  }
}
