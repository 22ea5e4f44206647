// Dashboard behaviour shared by every page: CSRF header on htmx requests, theme toggle,
// mobile sidebar, auto-submitting pickers and copy buttons. No inline handlers (CSP).
;(() => {
  const meta = (name) => {
    const element = document.querySelector(`meta[name="${name}"]`)
    return element ? element.getAttribute('content') || '' : ''
  }

  /** The public prefix of the gateway ("" or "/x/y"): every URL the scripts build starts with it. */
  window.agwBasePath = () => meta('base-path')
  /**
   * A gateway path under the public prefix, in the host's trailing-slash form when the host
   * forces one (`<meta name="trailing-slash">`), like the server builds its links: a request
   * the host redirects would fail (`redirect: 'error'`).
   */
  window.agwUrl = (path) => {
    const rule = meta('trailing-slash')
    const cut = path.search(/[?#]/)
    let pathname = cut === -1 ? path : path.slice(0, cut)
    const tail = cut === -1 ? '' : path.slice(cut)
    if (rule === 'never' && pathname !== '/') pathname = pathname.replace(/\/+$/, '')
    else if (
      rule === 'always' &&
      !pathname.endsWith('/') &&
      !pathname.slice(pathname.lastIndexOf('/') + 1).includes('.')
    )
      pathname = `${pathname}/`
    return `${meta('base-path')}${pathname}${tail}`
  }
  window.agwCsrfToken = () => meta('csrf-token')

  document.addEventListener('htmx:configRequest', (event) => {
    const token = meta('csrf-token')
    if (token) event.detail.headers['X-CSRF-Token'] = token
  })

  const themeKey = 'agw-dashboard-theme'
  const modes = ['auto', 'light', 'dark']
  const showTheme = () => {
    const mode = document.documentElement.getAttribute('data-theme-mode') || 'auto'
    for (const label of document.querySelectorAll('.theme-label')) label.textContent = `Theme: ${mode}`
  }

  document.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target : null
    if (!target) return
    if (target.closest('[data-theme-toggle]')) {
      const current = document.documentElement.getAttribute('data-theme-mode') || 'auto'
      const next = modes[(modes.indexOf(current) + 1) % modes.length]
      document.documentElement.setAttribute('data-theme-mode', next)
      try {
        window.localStorage.setItem(themeKey, next)
      } catch {
        // Private browsing: the choice lasts for this page only.
      }
      showTheme()
      return
    }
    if (target.closest('[data-sidebar-toggle]')) {
      document.getElementById('sidebar')?.classList.toggle('open')
      return
    }
    const copy = target.closest('[data-copy]')
    if (copy) {
      const text = copy.getAttribute('data-copy-text') || ''
      navigator.clipboard?.writeText(text).then(
        () => {
          copy.classList.add('copied')
          setTimeout(() => copy.classList.remove('copied'), 1200)
        },
        () => copy.classList.add('copy-failed'),
      )
    }
  })

  document.addEventListener('change', (event) => {
    const target = event.target instanceof Element ? event.target : null
    const form = target?.closest('form[data-auto-submit]')
    if (form instanceof HTMLFormElement) form.requestSubmit()
  })

  document.addEventListener('DOMContentLoaded', showTheme)
})()
