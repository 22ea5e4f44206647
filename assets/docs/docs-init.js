// Starts Swagger UI with settings the server put on the page, so the page needs no inline script.
;(() => {
  const root = document.getElementById('swagger-ui')
  const data = root.dataset
  const ui = window.SwaggerUIBundle({
    url: data.specUrl,
    dom_id: '#swagger-ui',
    deepLinking: true,
    // The page may carry a root-relative URL (no trusted origin configured); the provider needs it absolute.
    oauth2RedirectUrl: new URL(data.oauth2RedirectUrl, window.location.href).href,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  })
  if (data.oauth2ClientId)
    ui.initOAuth({ clientId: data.oauth2ClientId, usePkceWithAuthorizationCodeGrant: true })
  window.ui = ui
})()
