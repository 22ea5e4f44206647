// Applies the saved theme before the page paints (a separate file: the CSP allows no inline script).
;(() => {
  let stored = null
  try {
    stored = window.localStorage.getItem('agw-dashboard-theme')
  } catch {
    stored = null
  }
  const fallback = document.querySelector('meta[name="theme-default"]')
  const mode = stored || fallback?.getAttribute('content') || 'auto'
  document.documentElement.setAttribute('data-theme-mode', mode)
})()
