export interface SplitDocument {
  /** The YAML between the `---` fences, or `''` when there is none. */
  frontmatter: string
  /** 1-based line where the frontmatter YAML starts (for error positions). */
  frontmatterLine: number
  body: string
  /** 1-based line where the body starts. */
  bodyLine: number
}

export class FrontmatterError extends Error {
  readonly line: number
  constructor(message: string, line: number) {
    super(message)
    this.name = 'FrontmatterError'
    this.line = line
  }
}

/**
 * Splits a Markdown file into YAML frontmatter and body. Only `---` YAML fences are accepted:
 * `---js`/`---javascript` (which some libraries evaluate as code) and TOML `+++` are refused, so
 * reading a workspace can never execute anything.
 */
export function splitFrontmatter(text: string): SplitDocument {
  const source = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
  const lines = source.split('\n')
  const first = lines[0]?.trimEnd() ?? ''
  if (/^---\s*\S+/.test(first)) {
    throw new FrontmatterError(`only YAML frontmatter is supported, found "${first}"`, 1)
  }
  if (first === '+++') throw new FrontmatterError('TOML frontmatter is not supported; use --- YAML ---', 1)
  if (first !== '---') return { frontmatter: '', frontmatterLine: 1, body: source, bodyLine: 1 }
  const end = lines.findIndex(
    (line, index) => index > 0 && (line.trimEnd() === '---' || line.trimEnd() === '...'),
  )
  if (end === -1) throw new FrontmatterError('frontmatter starts with --- but is never closed', 1)
  return {
    frontmatter: lines.slice(1, end).join('\n'),
    frontmatterLine: 2,
    body: lines.slice(end + 1).join('\n'),
    bodyLine: end + 2,
  }
}
