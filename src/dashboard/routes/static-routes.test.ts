import { describe, expect, it } from 'vitest'
import { toThemeCss } from './static-routes.ts'

describe('toThemeCss', () => {
  it('sets <name>-dark colours as the dark-mode value of <name>, for dark and auto modes', () => {
    const css = toThemeCss({ primary: '#111111', 'primary-dark': '#eeeeee' })
    expect(css).toBe(
      [
        ':root {',
        '  --agw-primary: #111111;',
        '}',
        '[data-theme-mode="dark"] {',
        '  --agw-primary: #eeeeee;',
        '}',
        '@media (prefers-color-scheme: dark) {',
        '  [data-theme-mode="auto"] {',
        '    --agw-primary: #eeeeee;',
        '  }',
        '}',
        '',
      ].join('\n'),
    )
  })

  it('writes only the root block without dark colours', () => {
    expect(toThemeCss({ danger: '#ff0000' })).toBe(':root {\n  --agw-danger: #ff0000;\n}\n')
  })
})
