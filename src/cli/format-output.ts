import { InvalidArgumentError } from 'commander'
import { toSnakeCase } from '../core/config/normalize-tree.ts'

/*
 * One formatter for every listing command (`agents`, `skills`, `tools`, `schedules`, …), so
 * `--format` means the same thing everywhere:
 * - `json` — an array of objects with snake_case keys, the same shape the HTTP API answers;
 * - `csv`  — RFC 4180: a header line, CRLF line ends, fields with `,` `"` CR or LF quoted and
 *   inner quotes doubled;
 * - `table` — aligned columns for people. Only on a terminal is it fitted to the terminal width
 *   (long cells cut with `…`); piped, every cell is printed whole so `grep` sees everything.
 *
 * Rows are the caller's wire-shaped objects. Top-level keys are column names and are
 * snake_cased here (a camelCase key would otherwise leak into `--format json`); nested values
 * are user data (tool arguments, structured output) and keep their keys as written.
 */

/** The output formats a listing command accepts. */
export const outputFormats = ['table', 'json', 'csv'] as const

/** One of {@link outputFormats}. */
export type OutputFormat = (typeof outputFormats)[number]

/** A column of a listing: the row key and the header shown in table/CSV output. */
export interface OutputColumn {
  /** Key in the row (camelCase or snake_case; output uses snake_case). */
  key: string
  /** Header in table and CSV output. @default the snake_case key */
  header?: string
}

/** Options of {@link formatOutput}. */
export interface FormatOutputOptions {
  format: OutputFormat
  /** Columns in order; a string is shorthand for `{ key }`. Fixes the CSV header for empty lists. */
  columns: readonly (string | OutputColumn)[]
  /** Whether stdout is a terminal: only then is a table fitted to `width` and coloured. @default false */
  isTTY?: boolean
  /** Terminal width in characters (only used when `isTTY`). @default 80 */
  width?: number
  /** Bold headers in tables (only when `isTTY`). @default false */
  color?: boolean
}

type Row = Readonly<Record<string, unknown>>

/** A commander option parser for `--format table|json|csv`. */
export function parseOutputFormat(value: string): OutputFormat {
  if ((outputFormats as readonly string[]).includes(value)) return value as OutputFormat
  throw new InvalidArgumentError(`expected one of ${outputFormats.join(', ')}`)
}

function normalizeColumns(columns: FormatOutputOptions['columns']): Required<OutputColumn>[] {
  return columns.map((column) => {
    const spec = typeof column === 'string' ? { key: column } : column
    return { key: spec.key, header: spec.header ?? toSnakeCase(spec.key) }
  })
}

/** The row with its top-level keys in snake_case; nested values untouched. */
export function toSnakeRow(row: Row): Record<string, unknown> {
  const result: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(row)) result[toSnakeCase(key)] = value
  return result
}

/** A cell as text: strings as they are, absent values empty, other values as JSON. */
export function cellText(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value)
  if (value instanceof Date) return value.toISOString()
  return JSON.stringify(value)
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

function toCsv(rows: readonly Row[], columns: Required<OutputColumn>[]): string {
  const lines = [columns.map((column) => csvField(column.header)).join(',')]
  for (const row of rows) lines.push(columns.map((column) => csvField(cellText(row[column.key]))).join(','))
  return `${lines.join('\r\n')}\r\n`
}

/** Cells in a table stay on one line: control characters become spaces; lists read `a, b`. */
function tableCell(value: unknown): string {
  const text =
    Array.isArray(value) && value.every((item) => typeof item === 'string')
      ? value.join(', ')
      : cellText(value)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing control characters is the point
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ')
}

function truncate(text: string, width: number): string {
  if (text.length <= width) return text
  return width <= 1 ? text.slice(0, width) : `${text.slice(0, width - 1)}…`
}

/** Column widths that fit `available`: the widest columns give up space first, never below 4. */
function fitWidths(widths: number[], available: number): number[] {
  const fitted = [...widths]
  const gaps = (fitted.length - 1) * 2
  let total = fitted.reduce((sum, width) => sum + width, 0) + gaps
  while (total > available) {
    let widest = 0
    for (let index = 1; index < fitted.length; index++) {
      if ((fitted[index] ?? 0) > (fitted[widest] ?? 0)) widest = index
    }
    if ((fitted[widest] ?? 0) <= 4) break
    fitted[widest] = (fitted[widest] ?? 0) - 1
    total--
  }
  return fitted
}

function toTable(
  rows: readonly Row[],
  columns: Required<OutputColumn>[],
  options: FormatOutputOptions,
): string {
  const cells = rows.map((row) => columns.map((column) => tableCell(row[column.key])))
  const headers = columns.map((column) => column.header.toUpperCase())
  let widths = headers.map((header, index) =>
    Math.max(header.length, ...cells.map((line) => line[index]?.length ?? 0)),
  )
  if (options.isTTY) widths = fitWidths(widths, options.width ?? 80)
  const bold = options.isTTY && options.color
  const render = (line: string[], isHeader: boolean) =>
    line
      .map((cell, index) => {
        const width = widths[index] ?? 0
        const text = options.isTTY ? truncate(cell, width) : cell
        // The last column is not padded: no trailing spaces in piped output.
        const padded = index === line.length - 1 ? text : text.padEnd(width)
        return isHeader && bold ? `\u001b[1m${padded}\u001b[22m` : padded
      })
      .join('  ')
      .trimEnd()
  return `${[render(headers, true), ...cells.map((line) => render(line, false))].join('\n')}\n`
}

/**
 * Renders rows as a table, JSON or CSV. The result ends with a newline.
 *
 * @example
 * process.stdout.write(formatOutput(agents, { format: 'csv', columns: ['id', 'model'] }))
 */
export function formatOutput(rows: readonly Row[], options: FormatOutputOptions): string {
  if (options.format === 'json') return `${JSON.stringify(rows.map(toSnakeRow), null, 2)}\n`
  const columns = normalizeColumns(options.columns)
  if (options.format === 'csv') return toCsv(rows, columns)
  return toTable(rows, columns, options)
}

/** Whether colour is wanted on this stream: a terminal, and `NO_COLOR` unset or empty. */
export function wantsColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(stream.isTTY) && !env.NO_COLOR && env.TERM !== 'dumb'
}

/** {@link formatOutput} to a stream, taking terminal-ness, width and colour from the stream. */
export function writeOutput(
  stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
  rows: readonly Row[],
  options: Pick<FormatOutputOptions, 'format' | 'columns'>,
): void {
  stream.write(
    formatOutput(rows, {
      ...options,
      isTTY: Boolean(stream.isTTY),
      width: stream.columns ?? 80,
      color: wantsColor(stream),
    }),
  )
}
