import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { GatewayEnv } from '../../http/gateway-env.ts'
import { assetsDirectory, version } from '../../http/package-info.ts'
import type { RouteTable } from '../../http/route-table.ts'

const require = createRequire(import.meta.url)

/** A package's folder, also for packages whose `exports` hide `package.json` (dompurify). */
function resolvePackage(name: string): string {
  try {
    return path.dirname(require.resolve(`${name}/package.json`))
  } catch {
    const entry = require.resolve(name)
    const marker = `${path.sep}node_modules${path.sep}${name}${path.sep}`
    return entry.slice(0, entry.lastIndexOf(marker) + marker.length - 1)
  }
}
const own = path.join(assetsDirectory, 'dashboard')
const js = 'text/javascript; charset=utf-8'

/**
 * Files served under `/dashboard/static/`: our own assets and browser builds vendored from
 * node_modules (htmx 2.0.x, its SSE extension, marked, DOMPurify). Nothing else on disk is
 * reachable, and nothing is loaded from a CDN.
 */
const assets: Record<string, { file: string; type: string }> = {
  'dashboard.css': { file: path.join(own, 'dashboard.css'), type: 'text/css; charset=utf-8' },
  'dashboard.js': { file: path.join(own, 'dashboard.js'), type: js },
  'chat.js': { file: path.join(own, 'chat.js'), type: js },
  'theme-init.js': { file: path.join(own, 'theme-init.js'), type: js },
  'favicon.svg': { file: path.join(own, 'favicon.svg'), type: 'image/svg+xml' },
  'vendor/htmx.min.js': { file: path.join(resolvePackage('htmx.org'), 'dist', 'htmx.min.js'), type: js },
  'vendor/htmx-ext-sse.js': {
    file: path.join(resolvePackage('htmx-ext-sse'), 'dist', 'sse.min.js'),
    type: js,
  },
  'vendor/marked.js': { file: path.join(resolvePackage('marked'), 'lib', 'marked.umd.js'), type: js },
  'vendor/purify.js': { file: path.join(resolvePackage('dompurify'), 'dist', 'purify.min.js'), type: js },
}

/** `GET /dashboard/static/*` (allowlisted files, cached for a day) and `/dashboard/static/theme.css` (from config). */
export function registerStaticRoutes(app: OpenAPIHono<GatewayEnv>, table: RouteTable): void {
  const cache = new Map<string, Uint8Array>()
  const serve = async (name: string) => {
    const asset = assets[name]
    if (!asset) return undefined
    let body = cache.get(asset.file)
    if (!body) {
      body = new Uint8Array(await readFile(asset.file))
      cache.set(asset.file, body)
    }
    return { body, type: asset.type }
  }

  app.get('/dashboard/static/theme.css', (c) => {
    if (!c.var.runtime.dashboard) return c.notFound()
    return c.body(toThemeCss(c.var.runtime.config.dashboard.theme.colors), 200, {
      'Content-Type': 'text/css; charset=utf-8',
      'Cache-Control': 'no-cache',
    })
  })
  table.add({
    id: 'dashboard.theme_css',
    surface: 'dashboard',
    scopes: [],
    public: true,
    method: 'GET',
    path: '/dashboard/static/theme.css',
  })

  for (const [id, routePath, prefix] of [
    ['dashboard.static', '/dashboard/static/:name', ''],
    ['dashboard.static_vendor', '/dashboard/static/vendor/:name', 'vendor/'],
  ] as const) {
    app.get(routePath, async (c) => {
      if (!c.var.runtime.dashboard) return c.notFound()
      const found = await serve(`${prefix}${c.req.param('name')}`)
      if (!found) return c.notFound()
      return c.body(found.body as Uint8Array<ArrayBuffer>, 200, {
        'Content-Type': found.type,
        'Cache-Control': 'public, max-age=604800',
        ETag: `"agw-${version}-${found.body.byteLength}"`,
      })
    })
    table.add({ id, surface: 'dashboard', scopes: [], public: true, method: 'GET', path: routePath })
  }
}

/**
 * The configured colours as CSS variables. `<name>-dark` sets the dark-mode value of `<name>`,
 * in the same places the built-in stylesheet switches to its dark palette.
 */
export function toThemeCss(colors: Readonly<Record<string, string>>): string {
  const light: string[] = []
  const dark: string[] = []
  for (const [name, value] of Object.entries(colors)) {
    if (name.endsWith('-dark')) dark.push(`  --agw-${name.slice(0, -'-dark'.length)}: ${value};`)
    else light.push(`  --agw-${name}: ${value};`)
  }
  let css = `:root {\n${light.join('\n')}\n}\n`
  if (dark.length > 0) {
    const block = dark.join('\n')
    css += `[data-theme-mode="dark"] {\n${block}\n}\n`
    css += `@media (prefers-color-scheme: dark) {\n  [data-theme-mode="auto"] {\n${block.replace(/^/gm, '  ')}\n  }\n}\n`
  }
  return css
}
