import type { Context } from 'hono'
import { html } from 'hono/html'
import type { HtmlEscapedString } from 'hono/utils/html'
import type { GatewayEnv } from '../../http/gateway-env.ts'
import { version } from '../../http/package-info.ts'
import { url } from '../../http/url.ts'
import type { DashboardUser } from '../dashboard-user.ts'
import { brandUrl } from './brand-url.ts'
import { icon } from './icons.ts'

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>

/** Sections of the sidebar; `admin` ones are hidden from users (and refused to them by the routes). */
const sections = [
  { key: 'agents', label: 'Agents', path: '/dashboard/agents', admin: false },
  { key: 'chat', label: 'Chat', path: '/dashboard/chat', admin: false },
  { key: 'executions', label: 'Executions', path: '/dashboard/executions', admin: false },
  { key: 'approvals', label: 'Approvals', path: '/dashboard/approvals', admin: false },
  { key: 'conversations', label: 'Conversations', path: '/dashboard/conversations', admin: false },
  { key: 'schedules', label: 'Schedules', path: '/dashboard/schedules', admin: false },
  { key: 'notifications', label: 'Notifications', path: '/dashboard/notifications', admin: false },
  { key: 'analytics', label: 'Analytics', path: '/dashboard/analytics', admin: true },
  { key: 'mcp', label: 'MCP servers', path: '/dashboard/mcp-servers', admin: true },
] as const

export type SectionKey = (typeof sections)[number]['key']

/**
 * A static file's URL with the package version as a cache buster: assets are cached for a
 * week, and an upgrade must not leave browsers on old scripts.
 */
export function assetUrl(c: Context<GatewayEnv>, path: string): string {
  return `${url(c, path)}?v=${version}`
}

/** `<head>` shared by every dashboard page: no inline script or style, everything from the gateway. */
export function pageHead(c: Context<GatewayEnv>, title: string, csrfToken: string | undefined): Html {
  const config = c.var.runtime.config.dashboard
  const favicon = config.faviconUrl ? brandUrl(c, config.faviconUrl) : url(c, '/dashboard/static/favicon.svg')
  return html`<meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="base-path" content="${url(c, '')}" />
    ${c.get('origin').trailingSlash ? html`<meta name="trailing-slash" content="${c.get('origin').trailingSlash}" />` : ''}
    <meta name="theme-default" content="${config.theme.mode}" />
    ${csrfToken ? html`<meta name="csrf-token" content="${csrfToken}" />` : ''}
    <meta
      name="htmx-config"
      content='{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false,"selfRequestsOnly":true,"historyCacheSize":0}'
    />
    <title>${title} · ${config.title}</title>
    <link rel="icon" href="${favicon}" />
    <link rel="stylesheet" href="${assetUrl(c, '/dashboard/static/dashboard.css')}" />
    <link rel="stylesheet" href="${url(c, '/dashboard/static/theme.css')}" />
    <script src="${assetUrl(c, '/dashboard/static/theme-init.js')}"></script>
    <script src="${assetUrl(c, '/dashboard/static/vendor/htmx.min.js')}" defer></script>
    <script src="${assetUrl(c, '/dashboard/static/vendor/htmx-ext-sse.js')}" defer></script>
    <script src="${assetUrl(c, '/dashboard/static/dashboard.js')}" defer></script>`
}

/** The logo and title block of the sidebar and the login card. */
export function brand(c: Context<GatewayEnv>): Html {
  const config = c.var.runtime.config.dashboard
  return html`<div class="brand">
    ${config.logoUrl ? html`<img class="brand-logo" src="${brandUrl(c, config.logoUrl)}" alt="" />` : html`<span class="brand-mark">${icon('hub')}</span>`}
    <div>
      <div class="brand-title">${config.title}</div>
      <div class="brand-subtitle">${config.subtitle}</div>
    </div>
  </div>`
}

export interface PageOptions {
  user: DashboardUser
  title: string
  active: SectionKey | undefined
  body: Html
  /** Extra scripts this page needs (gateway paths). */
  scripts?: string[]
}

/** A full dashboard page: sidebar navigation, user menu with sign-out, theme toggle, content. */
export function renderPage(c: Context<GatewayEnv>, options: PageOptions): Html {
  const { user } = options
  const auth = c.var.runtime.config.dashboard.auth
  const nav = sections
    .filter((section) => !section.admin || user.role === 'admin')
    .map(
      (section) =>
        html`<a class="nav-link${section.key === options.active ? ' active' : ''}" href="${url(c, section.path)}"
          >${icon(section.key)}<span>${section.label}</span></a
        >`,
    )
  return html`<!doctype html>
<html lang="en" data-theme-mode="auto">
  <head>
    ${pageHead(c, options.title, user.csrfToken)}
    ${(options.scripts ?? []).map((path) => html`<script src="${assetUrl(c, path)}" defer></script>`)}
  </head>
  <body>
    <div class="shell">
      <aside class="sidebar" id="sidebar">
        ${brand(c)}
        <nav class="nav">${nav}</nav>
        <div class="sidebar-footer">
          <div class="user-chip" title="${user.principal.id}">
            <span class="avatar">${initials(user.displayName)}</span>
            <span class="user-name">${user.displayName}</span>
            ${user.role === 'admin' ? html`<span class="badge badge-admin">admin</span>` : ''}
          </div>
          <div class="workspace-version muted" data-testid="workspace-version" title="Content hash of the loaded workspace">
            Workspace ${c.var.runtime.reloader.version}
          </div>
          <div class="sidebar-actions">
            <button type="button" class="icon-button" data-theme-toggle title="Theme: light, dark or auto">
              ${icon('theme')}<span class="theme-label">Theme</span>
            </button>
            ${
              user.role === 'admin'
                ? html`<form method="post" action="${url(c, '/dashboard/reload')}" class="reload-form">
                    <input type="hidden" name="_csrf" value="${user.csrfToken}" />
                    <button type="submit" class="icon-button" data-testid="workspace-reload" title="Read the workspace folder again">${icon('retry')}<span>Reload workspace</span></button>
                  </form>`
                : ''
            }
            ${
              auth.enabled
                ? html`<form method="post" action="${url(c, '/dashboard/logout')}" class="logout-form">
                    <input type="hidden" name="_csrf" value="${user.csrfToken}" />
                    <button type="submit" class="icon-button" data-testid="logout">${icon('logout')}<span>Sign out</span></button>
                  </form>`
                : ''
            }
          </div>
        </div>
      </aside>
      <main class="content">
        <button type="button" class="icon-button menu-button" data-sidebar-toggle>${icon('menu')}</button>
        ${options.body}
      </main>
    </div>
  </body>
</html>`
}

/** Two letters for the avatar (no external avatar service). */
export function initials(name: string): string {
  const parts = name
    .replace(/@.*/, '')
    .split(/[\s._-]+/)
    .filter(Boolean)
  return ((parts[0]?.[0] ?? '?') + (parts[1]?.[0] ?? '')).toUpperCase()
}
