// Chat: streams the answer with fetch + SSE (EventSource cannot POST). Never a silent spinner:
// a redirect (redirect: 'error' makes fetch reject) or any non-SSE answer means the session is
// gone, so the browser goes to the login page; the spinner is cleared in `finally` whatever happens.
;(() => {
  const chat = document.getElementById('chat')
  if (!chat) return
  const messages = document.getElementById('messages')
  const composer = document.getElementById('composer')
  const input = composer.querySelector('textarea')
  const button = composer.querySelector('button[type="submit"]')
  const spinner = document.getElementById('chat-spinner')
  const errorBox = document.getElementById('chat-error')
  const sessionLabel = document.getElementById('session-id')

  const renderMarkdown = (element, text) => {
    // marked turns Markdown into HTML; DOMPurify removes anything that could run script.
    element.innerHTML = window.DOMPurify.sanitize(window.marked.parse(text))
  }
  for (const element of messages.querySelectorAll('[data-markdown]'))
    renderMarkdown(element, element.textContent || '')

  const loginUrl = () =>
    window.agwUrl(
      `/dashboard/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`,
    )
  const goToLogin = () => window.location.assign(loginUrl())

  const element = (tag, className, text) => {
    const node = document.createElement(tag)
    if (className) node.className = className
    if (text !== undefined) node.textContent = text
    return node
  }

  const setSession = (id) => {
    chat.dataset.sessionId = id || ''
    sessionLabel.textContent = id || 'new'
    if (id) {
      const url = new URL(window.location.href)
      url.searchParams.set('agent_id', chat.dataset.agentId)
      url.searchParams.set('session_id', id)
      window.history.replaceState(null, '', url)
    }
  }

  /** Reads an SSE body and calls `onFrame({ event, data })` per event (comments are skipped). */
  const readEvents = async (body, onFrame) => {
    const reader = body.getReader()
    const decoder = new TextDecoder()
    let buffer = ''
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n')
      let end = buffer.indexOf('\n\n')
      while (end !== -1) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        let event = 'message'
        const data = []
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue
          const colon = line.indexOf(':')
          const field = colon === -1 ? line : line.slice(0, colon)
          const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '')
          if (field === 'event') event = value
          else if (field === 'data') data.push(value)
        }
        if (data.length > 0) onFrame({ event, data: JSON.parse(data.join('\n')) })
        end = buffer.indexOf('\n\n')
      }
    }
  }

  const send = async (text) => {
    errorBox.classList.add('hidden')
    messages.querySelector('.empty-chat')?.remove()
    const userBubble = element('div', 'message user')
    userBubble.append(element('div', 'message-body', text))
    const answer = element('div', 'message assistant')
    answer.dataset.testid = 'assistant-message'
    answer.dataset.state = 'streaming'
    const tools = element('div', 'tools')
    const body = element('div', 'message-body streaming')
    answer.append(tools, body)
    messages.append(userBubble, answer)
    messages.scrollTop = messages.scrollHeight

    let answerText = ''
    const toolCalls = new Map()
    spinner.classList.remove('hidden')
    button.disabled = true
    try {
      let response
      try {
        response = await fetch(window.agwUrl('/dashboard/chat/stream'), {
          method: 'POST',
          redirect: 'error',
          credentials: 'same-origin',
          headers: {
            Accept: 'text/event-stream',
            'Content-Type': 'application/json',
            'X-CSRF-Token': window.agwCsrfToken(),
          },
          body: JSON.stringify({
            agent_id: chat.dataset.agentId,
            message: text,
            session_id: chat.dataset.sessionId || undefined,
          }),
        })
      } catch {
        // A redirect (to the login page) or the network: either way this page can go no further.
        goToLogin()
        return
      }
      if (!(response.headers.get('content-type') || '').startsWith('text/event-stream')) {
        goToLogin()
        return
      }
      await readEvents(response.body, ({ event, data }) => {
        if (event === 'session') {
          if (data.session_id) setSession(data.session_id)
          answer.dataset.executionId = data.execution_id || ''
        } else if (event === 'token') {
          spinner.classList.add('hidden')
          answerText += data.content
          body.textContent = answerText
          messages.scrollTop = messages.scrollHeight
        } else if (event === 'tool_call') {
          const call = element('div', 'tool-call')
          call.append(
            element('code', '', data.name),
            element('span', 'muted', ` ${JSON.stringify(data.arguments)}`),
          )
          toolCalls.set(data.call_id, call)
          tools.append(call)
        } else if (event === 'tool_result') {
          const call = toolCalls.get(data.call_id)
          if (call) {
            call.classList.add(data.is_error ? 'tool-error' : 'tool-done')
            const output = JSON.stringify(data.output)
            call.append(
              element('span', 'muted', ` → ${output.length > 200 ? `${output.slice(0, 200)}…` : output}`),
            )
          }
        } else if (event === 'error') {
          const alert = element('p', 'alert', data.message || 'The run failed.')
          // A personal agent without the user's setup: link to its form (the URL is already prefixed).
          if (typeof data.setup_url === 'string' && data.setup_url.startsWith('/')) {
            const link = element('a', 'button', 'Set up this agent')
            link.href = data.setup_url
            link.setAttribute('data-testid', 'setup-link')
            alert.append(' ', link)
          }
          answer.append(alert)
        } else if (event === 'done') {
          if (data.session_id) setSession(data.session_id)
          body.classList.remove('streaming')
          if (answerText) {
            renderMarkdown(body, answerText)
            const copy = element('button', 'icon-button copy-button', 'Copy')
            copy.type = 'button'
            copy.setAttribute('data-copy', '')
            copy.setAttribute('data-copy-text', answerText)
            answer.append(copy)
          }
          answer.dataset.state = 'done'
        }
      })
    } catch {
      errorBox.textContent = 'The connection was interrupted. Try again.'
      errorBox.classList.remove('hidden')
    } finally {
      if (answer.dataset.state !== 'done') answer.dataset.state = 'stopped'
      spinner.classList.add('hidden')
      button.disabled = false
      input.focus()
    }
  }

  composer.addEventListener('submit', (event) => {
    event.preventDefault()
    const text = input.value.trim()
    if (!text || button.disabled) return
    input.value = ''
    input.style.height = ''
    send(text)
  })
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault()
      composer.requestSubmit()
    }
  })
  input.addEventListener('input', () => {
    input.style.height = 'auto'
    input.style.height = `${Math.min(input.scrollHeight, 240)}px`
  })
})()
