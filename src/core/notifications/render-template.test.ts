import { describe, expect, it } from 'vitest'
import { parseTemplate, renderTemplate } from './render-template.ts'

describe('payload templates', () => {
  const values = { agent_id: 'a"b', status: 'failed', usage: { tokens: 3 }, duration_ms: 12 }

  it('substitutes placeholders in strings and keeps whole-placeholder values as they are', () => {
    const parsed = parseTemplate(
      '{"text": "{{ event.agent_id }} is {{status}}", "ms": "{{ duration_ms }}", "u": "{{ event.usage }}", "n": ["{{ missing }}x"]}',
    )
    expect('template' in parsed && renderTemplate(parsed.template, values)).toEqual({
      text: 'a"b is failed',
      ms: 12,
      u: { tokens: 3 },
      n: ['x'],
    })
  })

  it('never walks into prototypes or evaluates anything', () => {
    const parsed = parseTemplate(
      '{"a": "{{ constructor }}", "b": "{{ event.__proto__ }}", "c": "{{ 1 + 1 }}"}',
    )
    expect('template' in parsed && renderTemplate(parsed.template, values)).toEqual({
      a: null,
      b: null,
      c: '{{ 1 + 1 }}',
    })
  })

  it('refuses a template that is not JSON', () => {
    expect(parseTemplate('{{ event.agent_id }}')).toHaveProperty('error')
  })
})
