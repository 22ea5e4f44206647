import { describe, expect, it } from 'vitest'
import { cellText, formatOutput, parseOutputFormat, wantsColor } from './format-output.ts'

const rows = [
  { id: 'weather', modelName: 'openai:gpt-4o', tools: ['get-weather'], description: 'Says, "sunny"' },
  { id: 'summarizer', modelName: null, tools: [], description: 'line one\nline two' },
]
const columns = ['id', 'modelName', { key: 'description', header: 'about' }]

describe('formatOutput json', () => {
  it('snake_cases column keys like the HTTP API and keeps nested user data as written', () => {
    const out = formatOutput([{ agentId: 'a', output: { camelKey: 1 } }], { format: 'json', columns: [] })
    expect(out.endsWith('\n')).toBe(true)
    expect(JSON.parse(out)).toEqual([{ agent_id: 'a', output: { camelKey: 1 } }])
  })

  it('prints an empty array for no rows', () => {
    expect(JSON.parse(formatOutput([], { format: 'json', columns }))).toEqual([])
  })
})

describe('formatOutput csv', () => {
  it('quotes per RFC 4180: commas, quotes and newlines quoted, quotes doubled, CRLF line ends', () => {
    const out = formatOutput(rows, { format: 'csv', columns })
    expect(out).toBe(
      'id,model_name,about\r\n' +
        'weather,openai:gpt-4o,"Says, ""sunny"""\r\n' +
        'summarizer,,"line one\nline two"\r\n',
    )
  })

  it('keeps the header for an empty list so scripts can parse it', () => {
    expect(formatOutput([], { format: 'csv', columns })).toBe('id,model_name,about\r\n')
  })

  it('writes arrays and objects as JSON text', () => {
    expect(formatOutput([{ tools: ['a', 'b'] }], { format: 'csv', columns: ['tools'] })).toBe(
      'tools\r\n"[""a"",""b""]"\r\n',
    )
  })
})

describe('formatOutput table', () => {
  it('aligns columns and prints every cell whole when not on a terminal', () => {
    const long = 'x'.repeat(200)
    const out = formatOutput([...rows, { id: 'long', modelName: 'm', description: long }], {
      format: 'table',
      columns,
      width: 40,
    })
    const lines = out.trimEnd().split('\n')
    expect(lines[0]).toBe('ID          MODEL_NAME     ABOUT')
    expect(lines[1]).toBe('weather     openai:gpt-4o  Says, "sunny"')
    // A newline inside a cell does not break the row.
    expect(lines[2]).toBe('summarizer                 line one line two')
    expect(lines[3]).toContain(long)
    expect(lines.every((line) => line === line.trimEnd())).toBe(true)
  })

  it('fits the terminal width on a TTY, cutting the widest cells with an ellipsis', () => {
    const out = formatOutput([{ id: 'a', description: 'y'.repeat(100) }], {
      format: 'table',
      columns: ['id', 'description'],
      isTTY: true,
      width: 30,
    })
    const lines = out.trimEnd().split('\n')
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(30)
    expect(lines[1]).toMatch(/^a {3}y+…$/)
  })

  it('bolds headers only when on a terminal with colour', () => {
    const options = { format: 'table' as const, columns: ['id'] }
    expect(formatOutput([{ id: 'a' }], { ...options, isTTY: true, color: true })).toContain('\u001b[1m')
    expect(formatOutput([{ id: 'a' }], { ...options, isTTY: false, color: true })).not.toContain('\u001b[')
  })
})

describe('helpers', () => {
  it('parses --format and rejects anything else', () => {
    expect(parseOutputFormat('csv')).toBe('csv')
    expect(() => parseOutputFormat('yaml')).toThrow(/table, json, csv/)
  })

  it('renders cells as text', () => {
    expect(cellText(undefined)).toBe('')
    expect(cellText(3)).toBe('3')
    expect(cellText(new Date(0))).toBe('1970-01-01T00:00:00.000Z')
    expect(cellText({ a: 1 })).toBe('{"a":1}')
  })

  it('wants colour only on a terminal without NO_COLOR', () => {
    expect(wantsColor({ isTTY: true }, {})).toBe(true)
    expect(wantsColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false)
    expect(wantsColor({ isTTY: false }, {})).toBe(false)
  })
})
