import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { html } from 'hono/html'
import { identifiedOperations } from '../http/define-route.ts'
import type { GatewayEnv } from '../http/gateway-env.ts'
import { keepOperations } from '../http/keep-operations.ts'
import { assetsDirectory, version } from '../http/package-info.ts'
import type { RouteTable } from '../http/route-table.ts'
import { absoluteUrl, url } from '../http/url.ts'
import { addAgentInvokePaths, addOAuth2Scheme } from './agent-openapi-paths.ts'

const swaggerDirectory = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))
const ownAssetsDirectory = path.join(assetsDirectory, 'docs')

/** Files served under `/docs/assets/`; nothing else on disk is reachable. */
const assets: Record<string, { file: string; type: string }> = {
  'swagger-ui.css': { file: path.join(swaggerDirectory, 'swagger-ui.css'), type: 'text/css; charset=utf-8' },
  'swagger-ui-bundle.js': {
    file: path.join(swaggerDirectory, 'swagger-ui-bundle.js'),
    type: 'text/javascript; charset=utf-8',
  },
  'oauth2-redirect.js': {
    file: path.join(swaggerDirectory, 'oauth2-redirect.js'),
    type: 'text/javascript; charset=utf-8',
  },
  'docs-init.js': {
    file: path.join(ownAssetsDirectory, 'docs-init.js'),
    type: 'text/javascript; charset=utf-8',
  },
}

/**
 * `/openapi.json` (OpenAPI 3.1, `servers` = this request's public prefix) and Swagger UI at
 * `/docs`, served from the installed swagger-ui-dist: no CDN, works offline and under a CSP.
 */
export function registerDocsRoutes(app: OpenAPIHono<GatewayEnv>, table: RouteTable): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key or a JWT access token.',
  })
  app.get('/openapi.json', async (c) => {
    const runtime = c.var.runtime
    const full = app.getOpenAPI31Document({
      openapi: '3.1.0',
      info: {
        title: `${runtime.config.dashboard.title} API`,
        version,
        description: 'Agents served by agentgw. Errors use the envelope `{"error": {"code", "message"}}`.',
      },
      servers: [{ url: absoluteUrl(c, '') || '/' }],
    })
    // Only the gateway's own routes: an OpenAPI app routed on gw.app brings its definitions
    // into the same registry.
    const document = keepOperations(full, identifiedOperations(app))
    addAgentInvokePaths(document, runtime.workspace.agents)
    const oauth = await runtime.security.oauth()
    if (oauth) addOAuth2Scheme(document, oauth)
    return c.json(document)
  })
  table.add({
    id: 'docs.openapi',
    surface: 'docs',
    scopes: [],
    public: true,
    method: 'GET',
    path: '/openapi.json',
  })

  const page = (c: Context<GatewayEnv>) => {
    const title = `${c.var.runtime.config.dashboard.title} API`
    const oauthClientId = c.var.runtime.config.auth.oauth2.docsClientId ?? ''
    return c.html(html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title} — docs</title>
    <link rel="stylesheet" href="${url(c, '/docs/assets/swagger-ui.css')}" />
  </head>
  <body>
    <div
      id="swagger-ui"
      data-spec-url="${url(c, '/openapi.json')}"
      data-oauth2-redirect-url="${absoluteUrl(c, '/docs/oauth2-redirect.html')}"
      data-oauth2-client-id="${oauthClientId}"
    ></div>
    <script src="${url(c, '/docs/assets/swagger-ui-bundle.js')}"></script>
    <script src="${url(c, '/docs/assets/docs-init.js')}"></script>
  </body>
</html>`)
  }
  app.get('/docs', page)
  table.add({ id: 'docs.ui', surface: 'docs', scopes: [], public: true, method: 'GET', path: '/docs' })

  app.get('/docs/oauth2-redirect.html', (c) =>
    c.html(html`<!doctype html>
<html lang="en">
  <body>
    <script src="${url(c, '/docs/assets/oauth2-redirect.js')}"></script>
  </body>
</html>`),
  )
  table.add({
    id: 'docs.oauth2_redirect',
    surface: 'docs',
    scopes: [],
    public: true,
    method: 'GET',
    path: '/docs/oauth2-redirect.html',
  })

  const cache = new Map<string, Uint8Array>()
  app.get('/docs/assets/:name', async (c) => {
    const asset = assets[c.req.param('name')]
    if (!asset) return c.notFound()
    let body = cache.get(asset.file)
    if (!body) {
      body = new Uint8Array(await readFile(asset.file))
      cache.set(asset.file, body)
    }
    return c.body(body as Uint8Array<ArrayBuffer>, 200, {
      'Content-Type': asset.type,
      'Cache-Control': `public, max-age=86400`,
      ETag: `"agw-${version}-${body.byteLength}"`,
    })
  })
  table.add({
    id: 'docs.assets',
    surface: 'docs',
    scopes: [],
    public: true,
    method: 'GET',
    path: '/docs/assets/:name',
  })
}
